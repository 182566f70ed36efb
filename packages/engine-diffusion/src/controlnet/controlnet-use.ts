/** One ControlNet a request asks for. */
export interface ControlNetUse {
  /** The ControlNet's directory (model.onnx + config.json) or .onnx file. */
  path: string;
  /** As the request named it (`controlnet_model`), for messages. */
  name: string;
  /** The hint (any format sharp reads), resized to the output size. */
  image: Buffer;
  /** diffusers' controlnet_conditioning_scale (default 1; 0 = no effect). */
  scale?: number;
  /** control_guidance_start / _end: the fraction of the steps it acts in (default 0 / 1). */
  guidanceStart?: number;
  guidanceEnd?: number;
}

export const MAX_CONTROLNETS = 4;
export const MAX_CONDITIONING_SCALE = 5;
