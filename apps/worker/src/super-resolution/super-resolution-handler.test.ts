import type { JobPayload } from '@easel/contracts';
import type { Upscaler } from '@easel/engine-upscale';
import sharp from 'sharp';
import { PermanentJobError } from '../service-handler';
import { SuperResolution, SuperResolutionHandler } from './super-resolution-handler';

/**
 * Inputs no upscaling can use fail the job at once (PermanentJobError: no redelivery) with the
 * cause in the message the job's `error` keeps, before the engine is asked.
 */
describe('SuperResolutionHandler with bad input images', () => {
  const upscaleImage = jest.fn();
  const handler = new SuperResolutionHandler(
    new SuperResolution({ upscaler: { overlap: 16, upscaleImage } as unknown as Upscaler, fetchAllowHosts: [] }),
  );
  const run = (image: Buffer) =>
    handler.run(
      {
        params: {
          imageField: 'init_image',
          image: image.toString('base64'),
          upscaleModel: 'esrgan-slim',
          scale: 2,
          outputFormat: 'png',
        },
      } as unknown as JobPayload,
      { signal: new AbortController().signal, progress: () => undefined },
    );
  const png = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: '#0af' } })
      .png()
      .toBuffer();
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: Error) =>
        `${error instanceof PermanentJobError ? 'permanent' : 'transient'} ${(error as PermanentJobError).field}: ${error.message}`,
    );

  beforeEach(() => upscaleImage.mockReset());

  it.each([
    [1, 1],
    [16, 64],
  ])('a %i×%i image is too small to tile: permanent, with its size', async (width, height) => {
    expect(await failure(run(await png(width, height)))).toBe(
      `permanent init_image: The init image must be at least 17×17 pixels; it has ${width}×${height}.`,
    );
    expect(upscaleImage).not.toHaveBeenCalled();
  });

  it("a truncated PNG: permanent, with the decoder's cause", async () => {
    const whole = await png(64, 64);
    expect(await failure(run(whole.subarray(0, whole.length - 30)))).toMatch(
      /^permanent init_image: The init image could not be decoded: .+/,
    );
    expect(upscaleImage).not.toHaveBeenCalled();
  });
});
