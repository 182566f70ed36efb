import { safeFetch, SafeFetchError } from '@easel/safe-fetch';
import sharp from 'sharp';
import { PermanentJobError } from '../service-handler';

export const MAX_INPUT_IMAGE_BYTES = 20 * 1024 * 1024;
const DATA_URI = /^data:image\/[a-z0-9.+-]+;base64,/i;
const BASE64 = /^[A-Za-z0-9+/\s]+={0,2}\s*$/;

/** A field as the messages name it, Laravel-style: `init_image` → "init image". */
const attribute = (field: string) => field.replace(/_/g, ' ');

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
  return assertImage(field, await loadInputBytes(field, value, allowHosts));
}

async function loadInputBytes(field: string, value: string, allowHosts: readonly string[]): Promise<Buffer> {
  const trimmed = value.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    try {
      return (await safeFetch(trimmed, { maxBytes: MAX_INPUT_IMAGE_BYTES, allowHosts, timeoutMs: 20_000 })).body;
    } catch (error) {
      const reason = error instanceof SafeFetchError ? error.message : String(error);
      throw new PermanentJobError(`The ${attribute(field)} could not be downloaded: ${reason}`, field);
    }
  }
  const base64 = trimmed.replace(DATA_URI, '');
  if (base64.length === 0 || !BASE64.test(base64)) {
    throw new PermanentJobError(`The ${attribute(field)} must be an http(s) URL or base64 image data.`, field);
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > MAX_INPUT_IMAGE_BYTES) throw new PermanentJobError(`The ${attribute(field)} is larger than ${MAX_INPUT_IMAGE_BYTES} bytes.`, field);
  return bytes;
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
