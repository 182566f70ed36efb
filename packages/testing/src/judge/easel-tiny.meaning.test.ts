/**
 * @jest-environment ../engine-diffusion/jest.environment.js
 */
// (ORT's typed arrays must be the host realm's inside Jest's sandbox: the engine's test environment.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiffusionEngine, type GenerateRequest } from '@easel/engine-diffusion';
import { groundTruth, heldoutPrompts } from './fixtures';
import { decodeImage, encodeMaskPng, type RgbImage } from './image';
import { judgeImage } from './judge-image';
import { judgePrompt, type PromptVerdict } from './judge-prompt';
import { colorFraction, differenceByMask } from './measure';
import { rectMask } from './mask';

/**
 * Does easel-tiny, through the TypeScript pipeline, draw what the prompt means?
 * Every figure is printed. The held-out acceptance is asserted at issue 5's target over 6 seeds per
 * prompt (240 images): with 80 images the estimate's standard error is ±3.4 points, too coarse for a
 * 90 % line (models/easel-tiny/README.md, "Evaluation", lists each seed pair).
 */
const MODEL = join(__dirname, '..', '..', '..', '..', 'models', 'easel-tiny');
const BASE: Omit<GenerateRequest, 'prompt'> = { steps: 20, scheduler: 'DPM++ 2M', guidanceScale: 7.5, width: 128, height: 128 };
const ISSUE_TARGET = 0.9;
/** Batches of 2 (sample i uses seed + i): seeds 1–6. */
const SEED_PAIRS = [1, 3, 5];
// measured on the committed models/easel-tiny (fine-tuned decoder): 91.3 % accepted (219/240), 60.4 % shape
const SHAPE_FLOOR = 0.55;

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

(existsSync(join(MODEL, 'unet', 'model.onnx')) ? describe : describe.skip)('easel-tiny meaning through the TS pipeline', () => {
  const engine = new DiffusionEngine({ intraOpNumThreads: 2 });
  afterAll(() => engine.dispose());

  async function generate(request: GenerateRequest): Promise<Buffer[]> {
    return (await engine.generate(MODEL, { ...BASE, ...request })).images;
  }
  async function generateOne(request: GenerateRequest): Promise<RgbImage> {
    return decodeImage((await generate(request))[0]);
  }

  it(`held-out prompts: colour+background+position accepted ≥ ${pct(ISSUE_TARGET)} (issue 5's target), shape ≥ ${pct(SHAPE_FLOOR)}`, async () => {
    const verdicts: Array<{ seed: number; v: PromptVerdict }> = [];
    for (const h of heldoutPrompts()) {
      for (const seed of SEED_PAIRS) {
        const images = await generate({ prompt: h.prompt, seed, samples: 2 });
        for (const [i, png] of images.entries()) verdicts.push({ seed: seed + i, v: await judgePrompt(h.prompt, png) });
      }
    }
    const rateOf = (vs: typeof verdicts, f: (v: PromptVerdict) => boolean): number => vs.filter(({ v }) => f(v)).length / vs.length;
    const rate = (f: (v: PromptVerdict) => boolean): number => rateOf(verdicts, f);
    const accepted = rate((v) => v.accepted);
    const shape = rate((v) => v.pass.shape);
    const perPair = SEED_PAIRS.map((s) => `seeds ${s}–${s + 1} ${pct(rateOf(verdicts.filter((x) => x.seed === s || x.seed === s + 1), (v) => v.accepted))}`);
    console.log(
      [
        `easel-tiny held-out prompts (${verdicts.length} images: 40 prompts × seeds 1–6; DPM++ 2M, 20 steps, CFG 7.5, 128×128):`,
        `  accepted (colour+background+position): ${pct(accepted)} (${perPair.join(', ')})  — issue target ${pct(ISSUE_TARGET)}: ${accepted >= ISSUE_TARGET ? 'met' : 'NOT MET'}`,
        `  colour ${pct(rate((v) => v.pass.color))}, background ${pct(rate((v) => v.pass.background))}, position ${pct(rate((v) => v.pass.position))}`,
        `  shape ${pct(shape)}, accepted incl. shape ${pct(rate((v) => v.acceptedWithShape))}`,
        `  not accepted:`,
        ...verdicts
          .filter(({ v }) => !v.accepted)
          .map(({ seed, v }) => {
            const o = v.judged.object;
            const got = o ? `${o.color} ${o.shape} ${o.position}` : 'no object';
            return `    seed ${seed}: ${v.compared.color} ${v.compared.shape} ${v.compared.position} on ${v.expected.background} → got ${got} on ${v.judged.background}`;
          }),
      ].join('\n'),
    );
    expect(accepted).toBeGreaterThanOrEqual(ISSUE_TARGET);
    expect(shape).toBeGreaterThanOrEqual(SHAPE_FLOOR);
  }, 600_000);

  it('"a red circle on a blue background" is judged right (colour, background, centre, circle) for ≥ 6 of 8 seeds', async () => {
    const prompt = 'a red circle on a blue background';
    const images = [...(await generate({ prompt, seed: 1, samples: 4 })), ...(await generate({ prompt, seed: 5, samples: 4 }))];
    const verdicts = await Promise.all(images.map((png) => judgePrompt(prompt, png)));
    const right = verdicts.filter((v) => v.acceptedWithShape).length;
    console.log(`"${prompt}": ${right}/8 seeds fully right`);
    expect(right).toBeGreaterThanOrEqual(6);
  }, 60_000);

  it('a negative prompt naming a colour removes it: negative "red" lowers the red pixel fraction by ≥ 15 % on every seed', async () => {
    const prompt = 'a red circle on a blue background';
    const ratios: number[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const plain = colorFraction(await generateOne({ prompt, seed }), 'red');
      const negative = colorFraction(await generateOne({ prompt, seed, negativePrompt: 'red' }), 'red');
      expect(plain).toBeGreaterThan(0.02); // there is a red object to remove
      ratios.push(negative / plain);
    }
    console.log(`negative "red": red fraction ×${ratios.map((r) => r.toFixed(2)).join(', ×')} (seeds 1–4)`);
    // measured ×0.58–0.65
    for (const r of ratios) expect(r).toBeLessThan(0.85);
  }, 60_000);

  it('img2img at strength 0.2 keeps the init image\'s layout and colours; at 0.9 the prompt takes over', async () => {
    // ground-truth dataset images as init, a prompt that asks for a different scene
    const prompt = 'a red circle on a blue background';
    for (const g of groundTruth().filter((x) => x.file === '000.png' || x.file === '006.png')) {
      const init = judgeImage(await decodeImage(g.png));
      const moved = async (strength: number) => {
        const j = judgeImage(await generateOne({ prompt, seed: 7, initImage: g.png, strength }));
        const c = j.object?.centroid;
        const d = c ? Math.hypot(c.x - init.object!.centroid.x, c.y - init.object!.centroid.y) : Infinity;
        return { background: j.background, distance: d };
      };
      // the model follows the prompt's colours from strength ~0.25 on (measured: 0.2 yellow, 0.25 pink, 0.3 cyan background)
      const low = await moved(0.2);
      const high = await moved(0.9);
      console.log(`img2img ${g.file} (${g.caption}): strength 0.2 → ${low.background} bg, centroid moved ${low.distance.toFixed(1)} px; 0.9 → ${high.background} bg, moved ${high.distance.toFixed(1)} px`);
      expect(low.background).toBe(init.background);
      expect(low.distance).toBeLessThan(6); // measured 1.7, 3.8
      expect(high.distance).toBeGreaterThan(20); // measured 37, 52: the test can tell
    }
  }, 60_000);

  it('inpainting changes only the masked area', async () => {
    // black circle on the left of a yellow background; repaint the right half with a red square
    const g = groundTruth().find((x) => x.file === '000.png')!;
    const mask = rectMask(128, 128, 64, 0, 128, 128);
    const outside = rectMask(128, 128, 0, 0, 64, 128);
    const maskImage = await encodeMaskPng(mask);
    const nothing = await encodeMaskPng(rectMask(128, 128, 0, 0, 0, 0));
    for (const seed of [1, 2, 3]) {
      // "unchanged" = the same image through the VAE (encode → decode: ~3/255 off on its own)
      const unchanged = await generateOne({ prompt: g.caption, seed, initImage: g.png, maskImage: nothing });
      const out = await generateOne({ prompt: 'a red square on the right on a yellow background', seed, initImage: g.png, maskImage });
      const d = differenceByMask(out, unchanged, mask);
      const redInside = colorFraction(out, 'red', { within: mask });
      const redOutside = colorFraction(out, 'red', { within: outside });
      console.log(`inpaint seed ${seed}: mean |Δ| inside ${d.inside.toFixed(1)}, outside ${d.outside.toFixed(1)} /255; red inside ${pct(redInside)}, outside ${pct(redOutside)}`);
      // measured outside 1.4–1.6 (the VAE decoder's GroupNorm is image-wide, so the kept half shifts a little), inside 13–14
      expect(d.outside).toBeLessThan(4);
      expect(d.inside).toBeGreaterThan(3 * d.outside);
      expect(redInside).toBeGreaterThan(0.03);
      expect(redOutside).toBeLessThan(0.005);
    }
  }, 60_000);
});
