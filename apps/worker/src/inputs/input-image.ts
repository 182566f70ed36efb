import sharp from 'sharp';
import { PermanentJobError } from '../service-handler';
import { attribute, loadInputBytes } from './input-bytes';

export const MAX_INPUT_IMAGE_BYTES = 20 * 1024 * 1024;

const IMAGE_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/** The gateway's ceiling for an input image (its header is read there); 64 MiB of RGBA decoded. */
export const MAX_INPUT_IMAGE_PIXELS = 4096 * 4096;

/**
 * The bytes' own format decides, not the URL's extension or the server's Content-Type. The image is
 * decoded here, once: a header can be whole while the pixels are not (a truncated PNG), and such a
 * job must fail at once with that cause, not inside an engine on every redelivery.
 */
async function assertImage(field: string, bytes: Buffer): Promise<Buffer> {
  const meta = await sharp(bytes)
    .metadata()
    .catch(() => undefined);
  if (!meta?.format || !IMAGE_FORMATS.has(meta.format)) {
    throw new PermanentJobError(`The ${attribute(field)} is not an image (PNG, JPEG, WebP, GIF, TIFF or AVIF).`, field);
  }
  const { width = 0, height = 0 } = meta;
  if (width * height > MAX_INPUT_IMAGE_PIXELS) {
    throw new PermanentJobError(`The ${attribute(field)} must have at most 4096×4096 pixels; it has ${width}×${height}.`, field);
  }
  await sharp(bytes)
    .raw()
    .toBuffer()
    .catch((error: Error) => {
      throw new PermanentJobError(`The ${attribute(field)} could not be decoded: ${error.message}`, field);
    });
  return bytes;
}

/** An init or mask image as the client sent it: an http(s) URL, a data: URI or bare base64. */
export async function loadInputImage(field: string, value: string, allowHosts: readonly string[]): Promise<Buffer> {
  return assertImage(field, await loadInputBytes(field, value, allowHosts, { maxBytes: MAX_INPUT_IMAGE_BYTES, what: 'image' }));
}

/** A request's init and mask images (either may be absent), fetched or decoded in parallel. */
export async function loadInputImages(
  images: { initImage?: string | null; maskImage?: string | null },
  allowHosts: readonly string[],
): Promise<{ initImage?: Buffer; maskImage?: Buffer }> {
  const [initImage, maskImage] = await Promise.all([
    images.initImage ? loadInputImage('init_image', images.initImage, allowHosts) : undefined,
    images.maskImage ? loadInputImage('mask_image', images.maskImage, allowHosts) : undefined,
  ]);
  return { initImage, maskImage };
}
