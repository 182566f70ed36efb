import type { ImageEditingResult, RemoveBackgroundParams } from '@easel/contracts';
import { yesNo, isUrl } from '../common/meta-values';


/** `meta` of a removebg_mask answer: the options that ran, the seed drawn, the size and the object's share. */
export function removeBackgroundMeta(
  params: RemoveBackgroundParams,
  result: ImageEditingResult,
): Record<string, unknown> {
  return {
    // A base64 input is not echoed back (it may be megabytes).
    image: isUrl(params.image) ? params.image : null,
    only_mask: yesNo(params.onlyMask),
    inverse_mask: yesNo(params.inverseMask),
    alpha_matting: yesNo(params.alphaMatting),
    alpha_matting_foreground_threshold: params.alphaMattingForegroundThreshold,
    alpha_matting_background_threshold: params.alphaMattingBackgroundThreshold,
    alpha_matting_erode_size: params.alphaMattingErodeSize,
    post_process_mask: yesNo(params.postProcessMask),
    seed: result.seed ?? params.seed,
    W: result.width,
    H: result.height,
    foreground_fraction: result.foregroundFraction,
    base64: yesNo(params.base64),
    output_format: 'png',
  };
}
