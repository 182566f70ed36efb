/**
 * @jest-environment ../engine-diffusion/jest.environment.js
 */
// (ORT's typed arrays must be the host realm's inside Jest's sandbox: the engine's test environment.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiffusionEngine, type GenerateRequest, type LoraRef } from '@easel/engine-diffusion';
import { largestComponent } from './components';
import { decodeImage, type Rgb } from './image';
import { PALETTE, type ColorName } from './palette';
import { colourMask, heartFeatures, outlineScore, stripeScore } from './style';

/**
 * easel-tiny's adapters (models/training/train_adapters.py → models/easel-tiny-adapters/) do what
 * their names say, through the engine's LoRA merge and embedding tokens. EASEL_TEST_ADAPTERS_DIR
 * points the suite at another directory of the same three files (e.g. a development training).
 */
const ROOT = join(__dirname, '..', '..', '..', '..', 'models');
const MODEL = join(ROOT, 'easel-tiny');
const ADAPTERS = process.env.EASEL_TEST_ADAPTERS_DIR ?? join(ROOT, 'easel-tiny-adapters');
const FILES = ['striped', 'outlined', 'heart'].map((n) => join(ADAPTERS, `${n}.safetensors`));
const present = FILES.every((f) => existsSync(f));
const BASE: Omit<GenerateRequest, 'prompt'> = { steps: 12, scheduler: 'DPM++ 2M', guidanceScale: 7.5, width: 128, height: 128 };
const SCENES: Array<{ object: ColorName; background: ColorName; shape: string; seed: number }> = [
  { object: 'red', background: 'blue', shape: 'circle', seed: 1 },
  { object: 'yellow', background: 'purple', shape: 'square', seed: 2 },
  { object: 'green', background: 'white', shape: 'circle', seed: 3 },
];
const lora = (name: 'striped' | 'outlined', strength: number): LoraRef => ({ name, path: join(ADAPTERS, `${name}.safetensors`), strength });
const mean = (xs: number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;

// The adapters are committed beside the model: a missing file is a failure, not a skip.
if (!present) throw new Error(`${ADAPTERS} lacks ${FILES.filter((f) => !existsSync(f)).join(', ')} (train them with models/training/train_adapters.py).`);

/*
 * Thresholds, from the committed adapters (train_adapters.py --minutes 8 on 2 cores, 2026-12-02:
 * striped 280 steps, outlined 319, heart 711), means over the 3 scenes:
 *   base:     stripes -0.43, outline 0.14 (0.42 on green/white: anti-aliased edge)
 *   striped:  stripes  0.69 (1.31 / 0.81 / -0.04), outline 0.15
 *   outlined: stripes -0.37, outline 0.80 (1.00 / 0.94 / 0.45)
 *   both:     stripes  0.17, outline 0.29
 *   heart:    taper 0.62 with the embedding vs 0.72 without (a heart's is ≈ 0.3): it leans towards
 *             a point at the bottom but the base model draws rounded blobs, so no recognisable heart.
 * A flat shape's stripe score stays below 0 and a striped one is ≈ 2 (style.test.ts).
 */
const STRIPES_GAIN = 0.8;
const STRIPES_BEST_MIN = 1.2;
const OUTLINE_GAIN = 0.5;
const OUTLINE_BEST_MIN = 0.9;
const BOTH_STRIPES_GAIN = 0.4;
const BOTH_OUTLINE_GAIN = 0.1;
const HEART_TAPER_GAIN = 0.05;
const HEART_TAPER_MAX = 0.5;

describe(`easel-tiny adapters (${ADAPTERS})`, () => {
  const engine = new DiffusionEngine({ intraOpNumThreads: Number(process.env.EASEL_ORT_THREADS) || 1 });
  afterAll(() => engine.dispose());

  async function scores(loras: LoraRef[]) {
    const out: Array<{ stripes: number; outline: number; png: Buffer }> = [];
    for (const s of SCENES) {
      const r = await engine.generate(MODEL, { ...BASE, prompt: `a ${s.object} ${s.shape} on a ${s.background} background`, seed: s.seed, loras });
      const img = await decodeImage(r.images[0]);
      const [o, b]: Rgb[] = [PALETTE[s.object], PALETTE[s.background]];
      out.push({ stripes: stripeScore(img, o, b), outline: outlineScore(img, o, b), png: r.images[0] });
    }
    return out;
  }

  let base: Awaited<ReturnType<typeof scores>>;
  beforeAll(async () => {
    base = await scores([]);
  }, 120_000);

  const report = (label: string, s: Awaited<ReturnType<typeof scores>>): void =>
    console.log(`${label}: stripes ${s.map((x) => x.stripes.toFixed(2)).join(' ')} (mean ${mean(s.map((x) => x.stripes)).toFixed(2)}), outline ${s.map((x) => x.outline.toFixed(2)).join(' ')} (mean ${mean(s.map((x) => x.outline)).toFixed(2)})`);

  it('strength 0 gives the same pixels as no LoRA', async () => {
    const zero = await scores([lora('striped', 0), lora('outlined', 0)]);
    zero.forEach((z, i) => expect(z.png.equals(base[i].png)).toBe(true));
  }, 120_000);

  it('"striped" bands the shapes', async () => {
    const s = await scores([lora('striped', 1)]);
    report('base', base);
    report('striped 1.0', s);
    expect(mean(s.map((x) => x.stripes))).toBeGreaterThan(mean(base.map((x) => x.stripes)) + STRIPES_GAIN);
    expect(Math.max(...s.map((x) => x.stripes))).toBeGreaterThan(STRIPES_BEST_MIN);
  }, 120_000);

  it('"outlined" draws a dark ring around the shapes', async () => {
    const s = await scores([lora('outlined', 1)]);
    report('outlined 1.0', s);
    expect(mean(s.map((x) => x.outline))).toBeGreaterThan(mean(base.map((x) => x.outline)) + OUTLINE_GAIN);
    expect(Math.max(...s.map((x) => x.outline))).toBeGreaterThan(OUTLINE_BEST_MIN);
  }, 120_000);

  it('"striped" 0.8 + "outlined" 0.6 together show both effects', async () => {
    const s = await scores([lora('striped', 0.8), lora('outlined', 0.6)]);
    report('striped 0.8 + outlined 0.6', s);
    expect(mean(s.map((x) => x.stripes))).toBeGreaterThan(mean(base.map((x) => x.stripes)) + BOTH_STRIPES_GAIN);
    expect(mean(s.map((x) => x.outline))).toBeGreaterThan(mean(base.map((x) => x.outline)) + BOTH_OUTLINE_GAIN);
  }, 120_000);

  it(`the "heart" embedding moves the shape towards a heart (bottom taper lower than without); a recognisable heart (taper < ${HEART_TAPER_MAX}) is the issue's target and NOT MET`, async () => {
    const heart = { name: 'heart', path: join(ADAPTERS, 'heart.safetensors') };
    const features = async (embeddings: Array<typeof heart>) => {
      const fs = [];
      for (const s of SCENES) {
        const r = await engine.generate(MODEL, { ...BASE, prompt: `a ${s.object} heart on a ${s.background} background`, seed: s.seed, embeddings });
        fs.push(heartFeatures(largestComponent(colourMask(await decodeImage(r.images[0]), PALETTE[s.object], PALETTE[s.background]))));
      }
      return { taper: mean(fs.map((f) => f.bottomTaper)), notch: mean(fs.map((f) => f.topNotch)), all: fs };
    };
    const withIt = await features([heart]);
    const without = await features([]);
    console.log(`heart: with the embedding taper ${withIt.taper.toFixed(2)} notch ${withIt.notch.toFixed(2)}; without taper ${without.taper.toFixed(2)} notch ${without.notch.toFixed(2)}`, JSON.stringify(withIt.all));
    expect(withIt.taper).toBeLessThan(without.taper - HEART_TAPER_GAIN);
    console.log(`heart target (taper < ${HEART_TAPER_MAX}): ${withIt.taper < HEART_TAPER_MAX ? 'met' : 'NOT MET'}`);
  }, 120_000);
});
