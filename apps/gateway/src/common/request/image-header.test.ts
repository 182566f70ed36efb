import { pngHeader } from '../../testing/images';
import { base64ImageSize, looksLikeImage } from './image-header';

/** 37×21 images as sharp (libvips) writes them: the parser is checked against a real encoder's bytes. */
const ENCODED = {
  png: 'iVBORw0KGgoAAAANSUhEUgAAACUAAAAVCAIAAABOhrD5AAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAMElEQVRIiWNgWPWfrohh1L7/o+G5ajS9MIzmh1Wj5QvDaPn5f7R+YBitb/8PjfYEAAltCj0aICB/AAAAAElFTkSuQmCC',
  gif: 'R0lGODlhJQAVAIAAAExpcQCq/yH5BAUAAAAALAAAAAAlABUAAAIajI+py+0Po5y02ouz3rz7D4biSJbmiaYqWgAAOw==',
  webp: 'UklGRkoAAABXRUJQVlA4ID4AAADQAwCdASolABUAPm02l0ikIyIhJWgAgA2JZwB2APwA/AAAcoTXcAAAm///qz6aEX9pH//7j/9Zsv9fgAAAAA==',
  'webp lossless': 'UklGRhwAAABXRUJQVlA4TBAAAAAvJAAFAAdQ1eh//wMR0f8A',
  'webp with alpha (VP8X)':
    'UklGRlgAAABXRUJQVlA4WAoAAAAQAAAAJAAAFAAAQUxQSAoAAAABB1DAiAhERP8DVlA4ICgAAADwAgCdASolABUAPm02l0ikIyIhJWgAgA2JaQAAKUNt8AD++5zAAAAA',
};

/** A JPEG whose frame header follows an EXIF block and an ICC profile, as cameras write them. */
function jpeg(width: number, height: number): string {
  const segment = (marker: number, body: Buffer) =>
    Buffer.concat([
      Buffer.from([0xff, marker]),
      Buffer.from([(body.length + 2) >> 8, (body.length + 2) & 0xff]),
      body,
    ]);
  const frame = Buffer.from([
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe1, Buffer.alloc(300, 'x')),
    segment(0xe2, Buffer.alloc(500, 'y')),
    segment(0xdb, Buffer.alloc(67)),
    segment(0xc0, frame),
  ]).toString('base64');
}

describe('base64ImageSize', () => {
  it.each(Object.entries(ENCODED))('reads the size of a %s', (_format, base64) => {
    expect(base64ImageSize(base64)).toEqual({ width: 37, height: 21 });
    expect(base64ImageSize(`data:image/whatever;base64,${base64}`)).toEqual({ width: 37, height: 21 });
  });

  it('finds a JPEG frame after the segments before it', () => {
    expect(base64ImageSize(jpeg(8000, 6000))).toEqual({ width: 8000, height: 6000 });
  });

  it('reads the header of a PNG whatever its rest holds', () => {
    expect(base64ImageSize(pngHeader(8000, 8000))).toEqual({ width: 8000, height: 8000 });
  });

  it.each(['https://example.com/a.png', Buffer.from('not an image at all').toString('base64')])(
    'knows nothing of %s (the worker judges it)',
    (value) => {
      expect(base64ImageSize(value)).toBeNull();
    },
  );
});

describe('looksLikeImage', () => {
  it('knows the formats the workers decode, passes URLs to them, and refuses data that is no image', () => {
    const b64 = (bytes: number[] | string) => Buffer.from(typeof bytes === 'string' ? bytes : Uint8Array.from(bytes)).toString('base64');
    expect(looksLikeImage(`data:image/png;base64,${b64([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])}`)).toBe(true);
    expect(looksLikeImage(b64([0xff, 0xd8, 0xff, 0xe0]))).toBe(true);
    expect(looksLikeImage(b64('II*\0....'))).toBe(true);
    expect(looksLikeImage(b64('\0\0\0\x1cftypavif'))).toBe(true);
    expect(looksLikeImage('https://example.com/no-extension')).toBe(true);
    expect(looksLikeImage(b64('not an image'))).toBe(false);
    expect(looksLikeImage(b64('ab'))).toBe(false);
  });
});
