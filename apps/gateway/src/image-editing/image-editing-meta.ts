import {
  FACE_RESTORE_KIND,
  OBJECT_REMOVAL_KIND,
  type ImageEditingParams,
  type ImageEditingResult,
} from '@easel/contracts';
import { removeBackgroundMeta } from './removebg-meta';
import { yesNo, isUrl } from '../common/meta-values';


/** `meta` of an image_editing answer, by kind: the options that ran and what the edit found. */
export function editingMeta(params: ImageEditingParams, result: ImageEditingResult): Record<string, unknown> {
  if (params.kind === OBJECT_REMOVAL_KIND)
    return {
      // A base64 input is not echoed back (it may be megabytes).
      image: isUrl(params.image) ? params.image : null,
      mask_image: isUrl(params.maskImage) ? params.maskImage : null,
      colour: params.colour,
      mask_dilate: params.maskDilate,
      fill_radius: params.fillRadius,
      method: 'telea',
      W: result.width,
      H: result.height,
      mask_fraction: result.maskFraction,
      base64: yesNo(params.base64),
      output_format: 'png',
    };
  if (params.kind === FACE_RESTORE_KIND)
    return {
      image: isUrl(params.image) ? params.image : null,
      model_id: result.faceModel ?? params.faceModel,
      fidelity: params.fidelity,
      W: result.width,
      H: result.height,
      base64: yesNo(params.base64),
      output_format: 'png',
    };
  return removeBackgroundMeta(params, result);
}
