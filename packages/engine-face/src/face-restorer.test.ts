import { join } from 'node:path';
import sharp from 'sharp';
import { FaceRestorer } from './face-restorer';

/** models/face-restore-random: GFPGAN's ONNX interface with random weights (make.py beside it). */
const RANDOM_GRAPH = join(__dirname, '../../../models/face-restore-random/model.onnx');

async function picture(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set([(i * 7) % 256, (i * 13) % 256, 128], i * 3);
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

describe('FaceRestorer on a graph with GFPGAN interface', () => {
  const restorer = new FaceRestorer();
  afterAll(() => restorer.dispose());

  it('runs the graph at 512×512 and answers an RGB PNG of the input size, which the graph changed', async () => {
    const input = await picture(96, 80);
    const out = await restorer.restore(RANDOM_GRAPH, input, { fidelity: 0.5 });
    expect(out).toMatchObject({ width: 96, height: 80, side: 512 });
    expect(await sharp(out.image).metadata()).toMatchObject({
      format: 'png',
      width: 96,
      height: 80,
      channels: 3,
    });
    const [a, b] = await Promise.all([input, out.image].map((png) => sharp(png).raw().toBuffer()));
    let differ = 0;
    for (let i = 0; i < a!.length; i++) if (Math.abs(a![i]! - b![i]!) > 2) differ++;
    expect(differ / a!.length).toBeGreaterThan(0.05);
    // Same graph, same input: the same pixels (the session is cached).
    expect((await restorer.restore(RANDOM_GRAPH, input, { fidelity: 0.5 })).image.equals(out.image)).toBe(
      true,
    );
  });

  it('a file that is not a graph fails with ONNX Runtime’s reason, and is not cached', async () => {
    await expect(restorer.restore(__filename, await picture(16, 16), { fidelity: 0.5 })).rejects.toThrow();
    expect(await restorer.unload(__filename)).toBe(false);
  });
});
