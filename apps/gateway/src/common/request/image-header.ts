/**
 * The width and height a base64 image's header states, read from its first bytes without
 * decoding it: PNG, GIF, JPEG and WebP. Enough to refuse at the gateway an image the workers
 * would have to decode to hundreds of megabytes, before a job or a hold exists.
 */
export interface ImageSize {
  width: number;
  height: number;
}

/** Base64 characters decoded to find a header (a JPEG's size may sit after its EXIF block). */
const HEADER_BASE64_CHARACTERS = 256 * 1024;

/** The size a `data:image/...;base64,` URI or bare base64 states; null for URLs and unknown formats. */
export function base64ImageSize(value: string): ImageSize | null {
  const header = base64Header(value);
  return header ? headerSize(header) : null;
}

/** The decoded first bytes of a base64 image (null for URLs). */
function base64Header(value: string): Buffer | null {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return null;
  const payload = value.replace(/^data:[^,]*,/i, '').replace(/\s+/g, '');
  const prefix = payload.slice(0, HEADER_BASE64_CHARACTERS - (HEADER_BASE64_CHARACTERS % 4));
  return Buffer.from(prefix.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/**
 * Whether base64 data starts like an image the workers decode (PNG, JPEG, GIF, WebP, TIFF,
 * AVIF/HEIF); true for URLs, whose bytes only the worker sees. Data that is no image is refused
 * at the gateway (422 naming the field), before a job or a hold exists.
 */
export function looksLikeImage(value: string): boolean {
  const b = base64Header(value);
  if (!b) return true;
  if (b.length < 4) return false;
  const ascii = (from: number, to: number) => b.toString('latin1', from, to);
  return (
    b.readUInt32BE(0) === 0x89504e47 ||
    ascii(0, 4) === 'GIF8' ||
    (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') ||
    (b[0] === 0xff && b[1] === 0xd8) ||
    ascii(0, 4) === 'II*\0' ||
    ascii(0, 4) === 'MM\0*' ||
    ascii(4, 8) === 'ftyp'
  );
}

export function headerSize(bytes: Buffer): ImageSize | null {
  if (
    bytes.length >= 24 &&
    bytes.readUInt32BE(0) === 0x89504e47 &&
    bytes.toString('latin1', 12, 16) === 'IHDR'
  ) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 10 && bytes.toString('latin1', 0, 4) === 'GIF8') {
    return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  }
  if (
    bytes.length >= 30 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WEBP'
  ) {
    return webpSize(bytes);
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes);
  return null;
}

function webpSize(bytes: Buffer): ImageSize | null {
  const chunk = bytes.toString('latin1', 12, 16);
  if (chunk === 'VP8 ')
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8X') return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
  if (chunk === 'VP8L') {
    const bits = bytes.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
  }
  return null;
}

/** The first start-of-frame segment's size; every other segment is skipped by its length. */
function jpegSize(bytes: Buffer): ImageSize | null {
  let at = 2;
  while (at + 9 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { width: bytes.readUInt16BE(at + 7), height: bytes.readUInt16BE(at + 5) };
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  return null;
}
