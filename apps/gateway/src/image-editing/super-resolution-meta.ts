import type { SuperResolutionParams, SuperResolutionResult } from '@easel/contracts';

const isUrl = (value: string) => /^https?:\/\//i.test(value);

/** `meta` of a super_resolution answer: what ran, on what, and the delivered size. */
export function superResolutionMeta(
  params: SuperResolutionParams,
  result: SuperResolutionResult,
): Record<string, unknown> {
  return {
    // A base64 input is not echoed back (it may be megabytes).
    [params.imageField]: isUrl(params.image) ? params.image : null,
    scale: result.scale,
    model_id: result.modelId,
    upscale_model: result.upscaleModel,
    face_enhance: result.faceModel ? 'yes' : 'no',
    ...(result.faceModel ? { face_model: result.faceModel } : {}),
    W: result.width,
    H: result.height,
    input_W: result.inputWidth,
    input_H: result.inputHeight,
    base64: params.base64 ? 'yes' : 'no',
    temp: params.temp ? 'yes' : 'no',
    output_format: params.outputFormat,
  };
}
