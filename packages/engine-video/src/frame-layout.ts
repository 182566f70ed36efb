/**
 * The pipeline keeps a clip's latents frame-major, [frames, C, h, w] (what the VAE decodes and the
 * scheduler steps); the motion UNet takes diffusers' UNetMotionModel layout, [batch, C, frames, h, w].
 */
export function toChannelMajor(frameMajor: Float32Array, frames: number, channels: number, plane: number, out: Float32Array, offset = 0): void {
  for (let f = 0; f < frames; f++)
    for (let c = 0; c < channels; c++) out.set(frameMajor.subarray((f * channels + c) * plane, (f * channels + c + 1) * plane), offset + (c * frames + f) * plane);
}

export function toFrameMajor(channelMajor: Float32Array, frames: number, channels: number, plane: number, offset = 0): Float32Array {
  const out = new Float32Array(frames * channels * plane);
  for (let c = 0; c < channels; c++)
    for (let f = 0; f < frames; f++) out.set(channelMajor.subarray(offset + (c * frames + f) * plane, offset + (c * frames + f + 1) * plane), (f * channels + c) * plane);
  return out;
}
