import { base64ImageSize } from './image-header';
import { messages } from './messages';

/** The most pixels an input image may have (64 MiB decoded as RGBA); the workers hold the same ceiling. */
export const MAX_INPUT_IMAGE_SIDE = 4096;

interface ImageFields {
  get(field: string): unknown;
  fail(field: string, message: string): void;
  hasErrors(field?: string): boolean;
}

/**
 * Checks what a base64 image's header states (URLs are checked by the worker that fetches them):
 * at most 4096×4096 pixels, and a `mask_image` exactly the size of the `init_image` — a mask of
 * another size is refused rather than stretched over an image it was not drawn for.
 */
export function checkImageSize(fields: ImageFields, field: string, value: string): void {
  const size = base64ImageSize(value);
  if (!size) return;
  if (size.width * size.height > MAX_INPUT_IMAGE_SIDE * MAX_INPUT_IMAGE_SIDE) {
    fields.fail(field, messages.imageTooLarge(field, MAX_INPUT_IMAGE_SIDE, size));
    return;
  }
  const init = fields.get('init_image');
  if (field !== 'mask_image' || typeof init !== 'string' || fields.hasErrors('init_image')) return;
  const initSize = base64ImageSize(init);
  if (initSize && (initSize.width !== size.width || initSize.height !== size.height)) {
    fields.fail(field, messages.maskSize(initSize, size));
  }
}
