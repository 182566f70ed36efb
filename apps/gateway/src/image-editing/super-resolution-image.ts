import { base64ImageSize } from '../common/request/image-header';

/** The worker's ceiling (apps/worker's super-resolution handler): its output is up to 4× each side. */
export const SUPER_RESOLUTION_MAX_INPUT_PIXELS = 1024 * 1024;
/** The worker's upscaler tiles overlap by 16 pixels; a side no longer than that cannot be tiled. */
export const SUPER_RESOLUTION_MIN_INPUT_SIDE = 17;

interface ImageFields {
  fail(field: string, message: string): void;
}

/**
 * A base64 image whose header says it is too large or too small to upscale is refused here, with
 * the sentences the worker uses for URL images, before a job or a hold exists.
 */
export function checkSuperResolutionImage(fields: ImageFields, field: string, image: string | null): void {
  const size = image === null ? null : base64ImageSize(image);
  if (!size) return;
  const name = field.replace(/_/g, ' ');
  const { width, height } = size;
  if (width * height > SUPER_RESOLUTION_MAX_INPUT_PIXELS) {
    fields.fail(
      field,
      `The ${name} must have at most ${SUPER_RESOLUTION_MAX_INPUT_PIXELS} pixels (1024×1024); it has ${width}×${height}.`,
    );
  } else if (width < SUPER_RESOLUTION_MIN_INPUT_SIDE || height < SUPER_RESOLUTION_MIN_INPUT_SIDE) {
    const min = SUPER_RESOLUTION_MIN_INPUT_SIDE;
    fields.fail(field, `The ${name} must be at least ${min}×${min} pixels; it has ${width}×${height}.`);
  }
}
