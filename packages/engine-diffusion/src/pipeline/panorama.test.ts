import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiffusionEngine } from '../engine';
import { InvalidRequestError } from '../errors';
import { panoramaStride, panoramaWindows, withPanorama } from './panorama';
import { MODELS } from './test-helpers';
import type { NoisePredictor } from './unet-predictor';

describe('panorama windows', () => {
  it('cover every latent cell with native-size windows every stride cells, the last flush with the end', () => {
    const { windows, wh, ww } = panoramaWindows(16, 48, 16, 8);
    expect([wh, ww]).toEqual([16, 16]);
    expect(windows.map((w) => w.x)).toEqual([0, 8, 16, 24, 32]);
    expect(panoramaWindows(16, 44, 16, 8).windows.map((w) => w.x)).toEqual([0, 8, 16, 24, 28]);
    expect(panoramaWindows(16, 16, 16).windows).toEqual([{ y: 0, x: 0 }]);
  });

  it('step by an eighth of the window, as diffusers does for SD 1.5 (8 of 64 cells): 8 windows cover a cell', () => {
    expect(panoramaStride(64)).toBe(8);
    expect(panoramaStride(16)).toBe(2);
    expect(panoramaWindows(16, 48, 16).windows.map((w) => w.x)).toEqual([
      0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32,
    ]);
  });

  it("averages the windows' outputs per cell (a position-independent predictor gives back its full-size output)", async () => {
    const sizes: string[] = [];
    // output = 2·input: any averaging of consistent windows must return exactly that
    const doubling: NoisePredictor = async (x, _t, h, w) => {
      sizes.push(`${h}x${w}`);
      const guided = x.map((v) => 2 * v);
      return { guided, reference: guided };
    };
    const p = withPanorama(doubling, { samples: 1, channels: 2, window: 4, stride: 2, timing: { ms: 0 } });
    const x = Float32Array.from({ length: 2 * 4 * 10 }, (_, i) => Math.sin(i));
    const out = await p(x, 500, 4, 10);
    out.guided.forEach((v, i) => expect(v).toBeCloseTo(2 * x[i], 5));
    expect(new Set(sizes)).toEqual(new Set(['4x4']));
    expect(sizes).toHaveLength(4);
  });

  it('blends overlapping windows: an output that depends on the window shows no hard step', async () => {
    // each window answers its own x origin: cells covered by two windows get the mean
    const p = withPanorama(
      async (x) => ({ guided: new Float32Array(x.length).fill(x[0]), reference: new Float32Array(x.length) }),
      { samples: 1, channels: 1, window: 4, stride: 2, timing: { ms: 0 } },
    );
    const x = Float32Array.from({ length: 8 }, (_, i) => i); // one row of 8 cells: value = x
    const out = await p(x, 1, 1, 8);
    const v = Array.from(out.guided);
    expect(v.slice(0, 2)).toEqual([0, 0]);
    expect(v.slice(6)).toEqual([4, 4]);
    for (let i = 2; i < 6; i++) expect(v[i]).toBeGreaterThan(v[i - 1] - 1e-6); // a ramp, no jump back
  });
});

const TINY = join(MODELS, 'easel-tiny');
(existsSync(join(TINY, 'unet', 'model.onnx')) ? describe : describe.skip)('panorama on easel-tiny', () => {
  const engine = new DiffusionEngine({ intraOpNumThreads: 1 });
  afterAll(() => engine.dispose());

  it.each(['pndm', 'dpm++ 2m'])(
    'at the native size (one window) gives the pixels of a run without it (%s)',
    async (scheduler) => {
      // PNDM keeps past outputs: a predictor that reused its output buffer made the plain run a
      // different sampler than panorama's (red circles drawn yellow under panorama only)
      const request = { prompt: 'a red circle on a blue background', steps: 8, seed: 1, scheduler };
      const plain = await engine.generate(TINY, request);
      const panorama = await engine.generate(TINY, { ...request, panorama: true });
      expect(panorama.images[0].equals(plain.images[0])).toBe(true);
    },
  );

  it('returns the asked 3× native width, with no seam at window borders, and reports its windows and cost', async () => {
    const r = await engine.generate(TINY, {
      prompt: 'a red circle on a blue background',
      width: 384,
      height: 128,
      steps: 8,
      seed: 5,
      scheduler: 'dpm++ 2m',
      panorama: true,
      returnPixels: true,
    });
    expect([r.width, r.height]).toEqual([384, 128]);
    expect(r.panorama).toEqual({ windows: 17, window: 16, stride: 2 });
    expect(r.timings.phasesMs.panorama_blend).toBeGreaterThan(0);
    // mean |Δ| between neighbouring pixel columns, at window borders (every 16 px) vs elsewhere
    const px = r.pixels!;
    const W = 384;
    const plane = W * 128;
    const columnStep = (x: number) => {
      let s = 0;
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < 128; y++)
          s += Math.abs(px[c * plane + y * W + x] - px[c * plane + y * W + x - 1]);
      return s / (3 * 128);
    };
    const borders = Array.from({ length: 23 }, (_, i) => 16 * (i + 1));
    const atBorders = borders.reduce((s, x) => s + columnStep(x), 0) / borders.length;
    let inside = 0;
    let count = 0;
    for (let x = 1; x < W; x++)
      if (!borders.includes(x)) {
        inside += columnStep(x);
        count++;
      }
    inside /= count;
    // measured (seeds 1-6, 20 steps): 0.99-1.71×; ≈ 3× with a plain mean of windows every 8 cells
    expect(atBorders).toBeLessThan(2 * inside);
  });

  it('allows sides up to 2048 only with panorama', async () => {
    await expect(
      engine.generate(TINY, { prompt: 'a red circle', width: 1536, height: 128, steps: 1 }),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(
      engine.generate(TINY, { prompt: 'a red circle', width: 2056, height: 128, steps: 1, panorama: true }),
    ).rejects.toMatchObject({ field: 'width' });
  });
});
