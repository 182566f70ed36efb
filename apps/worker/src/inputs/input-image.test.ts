import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { PermanentJobError } from '../service-handler';
import { loadInputImage } from './input-image';

let server: Server;
let base = '';
let png: Buffer;

beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
    .png()
    .toBuffer();
  server = createServer((req, res) => {
    // Content types lie: the bytes decide.
    if (req.url === '/image.txt') return res.writeHead(200, { 'content-type': 'text/plain' }).end(png);
    if (req.url === '/page.png')
      return res.writeHead(200, { 'content-type': 'image/png' }).end('<html>not an image</html>');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const reason = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: PermanentJobError) => `${error.field}: ${error.message}`,
  );

describe('loadInputImage', () => {
  it('accepts base64, data URIs and allowed URLs whose bytes are an image', async () => {
    expect((await loadInputImage('init_image', png.toString('base64'), [])).equals(png)).toBe(true);
    expect(
      (await loadInputImage('init_image', `data:image/png;base64,${png.toString('base64')}`, [])).equals(png),
    ).toBe(true);
    expect((await loadInputImage('init_image', `${base}/image.txt`, ['127.0.0.1'])).equals(png)).toBe(true);
  });

  it('refuses bytes that are not an image, whatever they claim, naming the field', async () => {
    expect(await reason(loadInputImage('mask_image', `${base}/page.png`, ['127.0.0.1']))).toMatch(
      /^mask_image: The mask image is not an image/,
    );
    expect(
      await reason(loadInputImage('init_image', Buffer.from('hello world').toString('base64'), [])),
    ).toMatch(/^init_image: The init image is not an image/);
    expect(await reason(loadInputImage('init_image', 'not base64 at all!', []))).toMatch(
      /must be an http\(s\) URL or base64/,
    );
  });

  it("refuses a truncated image at once, with the decoder's cause", async () => {
    const truncated = png.subarray(0, png.length - 20).toString('base64');
    expect(await reason(loadInputImage('init_image', truncated, []))).toMatch(
      /^init_image: The init image could not be decoded: .+/,
    );
  });

  it('refuses an image of more than 4096×4096 pixels before decoding it', async () => {
    const huge = await sharp({ create: { width: 5000, height: 4000, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(await reason(loadInputImage('mask_image', huge.toString('base64'), []))).toBe(
      'mask_image: The mask image must have at most 4096×4096 pixels; it has 5000×4000.',
    );
  });

  it('refuses private addresses unless allowed, and reports HTTP errors', async () => {
    expect(await reason(loadInputImage('init_image', `${base}/image.txt`, []))).toMatch(
      /could not be downloaded: .*not reachable/,
    );
    expect(await reason(loadInputImage('init_image', `${base}/missing.png`, ['127.0.0.1']))).toMatch(
      /HTTP 404/,
    );
  });
});
