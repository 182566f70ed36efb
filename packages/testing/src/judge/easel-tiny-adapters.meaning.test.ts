/**
 * @jest-environment ../engine-diffusion/jest.environment.js
 */
// (ORT's typed arrays must be the host realm's inside Jest's sandbox: the engine's test environment.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiffusionEngine, type GenerateRequest, type LoraRef } from '@easel/engine-diffusion';
import { largestComponent } from './components';
import { decodeImage, type Rgb, type RgbImage } from './image';
import { PALETTE, type ColorName } from './palette';
import { judgeImage } from './judge-image';
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
 * Thresholds, from the committed adapters (train_adapters.py --minutes 8 on 2 cores, 2026-12-02,
 * on the continued easel-tiny: striped 464 steps, outlined 509), means over the 3 scenes:
 *   base:     stripes -0.75, outline 0.12 (0.35 on green/white: anti-aliased edge)
 *   striped:  stripes  0.76 (-0.16 / 0.92 / 1.52), outline 0.07
 *   outlined: stripes -0.26, outline 0.85 (0.97 / 0.59 / 1.00)
 *   both:     stripes  0.92, outline 0.25
 *   heart (1166 steps, lr 5e-3): mean |Δ| vs the same prompt without it 7.1 / 9.6 / 5.5 per value; judged
 *             "red triangle on blue, yellow circle on purple, blue cross on white"; taper 0.56 with it vs 0.49
 *             without (a heart's is ≈ 0.3): textual inversion finds no heart in a base model that never drew
 *             one, so the shape stays a circle/blob (its start, the "circle" vector) — the issue's target is not met.
 * A flat shape's stripe score stays below 0 and a striped one is ≈ 2 (style.test.ts).
 */
const STRIPES_GAIN = 0.8;
const STRIPES_BEST_MIN = 1.2;
const OUTLINE_GAIN = 0.5;
const OUTLINE_BEST_MIN = 0.9;
const BOTH_STRIPES_GAIN = 0.4;
const BOTH_OUTLINE_GAIN = 0.1;
const HEART_MIN_DIFF = 2;
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

  it(`the "heart" embedding's token is applied and drawn as an object on the prompt's background; a recognisable heart (taper < ${HEART_TAPER_MAX}) is the issue's target and NOT MET`, async () => {
    const heart = { name: 'heart', path: join(ADAPTERS, 'heart.safetensors') };
    const draw = async (embeddings: Array<typeof heart>) => {
      const out = [];
      for (const s of SCENES) {
        const r = await engine.generate(MODEL, { ...BASE, prompt: `a ${s.object} heart on a ${s.background} background`, seed: s.seed, embeddings });
        const img = await decodeImage(r.images[0]);
        out.push({ img, judged: judgeImage(img), heart: heartFeatures(largestComponent(colourMask(img, PALETTE[s.object], PALETTE[s.background]))) });
      }
      return out;
    };
    const withIt = await draw([heart]);
    const without = await draw([]);
    const taper = (xs: typeof withIt) => mean(xs.map((x) => x.heart.bottomTaper));
    const diffs = withIt.map((w, i) => meanAbsDiff(w.img, without[i]!.img));
    console.log(
      `heart: with the embedding taper ${taper(withIt).toFixed(2)} (${withIt.map((x) => x.heart.bottomTaper.toFixed(2)).join(' ')}), ` +
        `without ${taper(without).toFixed(2)}; mean |Δ| vs without ${diffs.map((d) => d.toFixed(1)).join(' ')} /255; ` +
        `judged ${withIt.map((x) => `${x.judged.object?.color} ${x.judged.object?.shape} on ${x.judged.background}`).join(', ')}`,
    );
    // the token reaches the text encoder (the pixels move) and reads as a shape word: the scene's background
    // stays and an object is drawn (its colour is right where the base model's is: not for green, see the model card)
    for (const d of diffs) expect(d).toBeGreaterThan(HEART_MIN_DIFF);
    withIt.forEach((x, i) => {
      expect(x.judged.background).toBe(SCENES[i]!.background);
      expect(x.judged.object).not.toBeNull();
    });
    console.log(`heart target (taper < ${HEART_TAPER_MAX}): ${taper(withIt) < HEART_TAPER_MAX ? 'met' : 'NOT MET'}`);
  }, 120_000);
});

/** Mean absolute difference of two same-size images, per channel value (0–255). */
function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}
