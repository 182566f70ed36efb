/**
 * @jest-environment ../engine-diffusion/jest.environment.js
 */
// (ORT's typed arrays must be the host realm's inside Jest's sandbox: the engine's test environment.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiffusionEngine, type GenerateRequest } from '@easel/engine-diffusion';
import { decodeImage, encodePng, type RgbImage } from '../image';
import { maskIou, type Mask } from '../mask';
import { drawnRegion, hintRegion } from './hint-region';
import { discSegHint, squareOutlineHint, type Square } from './hints';

/**
 * easel-tiny's ControlNets (models/training/train_controlnet.py → models/easel-tiny-controlnet/)
 * steer the picture through the TypeScript pipeline: the drawn object follows the hint, the
 * prompt still gives the colours. Held-out hints: shapes and places the training scenes drew from
 * other seeds; the prompt names another shape than the hint's, so only the ControlNet can put it there.
 */
const ROOT = join(__dirname, '..', '..', '..', '..', '..', 'models');
const MODEL = join(ROOT, 'easel-tiny');
const CONTROLNETS = join(ROOT, 'easel-tiny-controlnet');
const canny = join(CONTROLNETS, 'canny');
const seg = join(CONTROLNETS, 'seg');
for (const dir of [canny, seg]) if (!existsSync(join(dir, 'model.onnx'))) throw new Error(`${dir} is missing (train it with models/training/train_controlnet.py).`);

const engine = new DiffusionEngine({ intraOpNumThreads: 2 });
afterAll(() => engine.dispose());
const BASE: Omit<GenerateRequest, 'prompt'> = { steps: 20, scheduler: 'DPM++ 2M', guidanceScale: 7.5, width: 128, height: 128 };
const PROMPT = 'a red circle on a blue background';
const LEFT_SQUARE: Square = { x: 12, y: 42, side: 44 };
const SEEDS = [1, 2, 3];
const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

async function draw(request: GenerateRequest): Promise<RgbImage> {
  return decodeImage((await engine.generate(MODEL, request)).images[0]!);
}
const use = async (path: string, hint: RgbImage, scale = 1) => ({ path, name: path, image: await encodePng(hint), scale });
const iouWith = async (request: GenerateRequest, region: Mask) => maskIou(drawnRegion(await draw(request)), region);

describe('easel-tiny ControlNets through the TypeScript pipeline', () => {
  it('canny: a square outline on the left puts the object there, though the prompt says "a red circle" in the centre', async () => {
    const hint = squareOutlineHint(128, LEFT_SQUARE);
    const region = hintRegion(hint, 'edges');
    const withHint: number[] = [];
    const without: number[] = [];
    for (const seed of SEEDS) {
      withHint.push(await iouWith({ ...BASE, prompt: PROMPT, seed, controlNets: [await use(canny, hint)] }, region));
      without.push(await iouWith({ ...BASE, prompt: PROMPT, seed }, region));
    }
    console.log(`canny IoU with the hint ${withHint.map((v) => v.toFixed(2)).join(' ')}, without ${without.map((v) => v.toFixed(2)).join(' ')}`);
    expect(mean(withHint)).toBeGreaterThanOrEqual(0.6);
    expect(mean(withHint) - mean(without)).toBeGreaterThanOrEqual(0.3);
  }, 120_000);

  it('multi-ControlNet: a canny square on the left and a segmentation disc on the right are both drawn', async () => {
    const square = squareOutlineHint(128, LEFT_SQUARE);
    const disc = discSegHint(128, 94, 64, 20);
    const left = hintRegion(square, 'edges');
    const right = hintRegion(disc, 'segmentation');
    const covered = (drawn: Mask, region: Mask) => {
      let inside = 0;
      let total = 0;
      for (let i = 0; i < region.data.length; i++) {
        if (!region.data[i]) continue;
        total++;
        inside += drawn.data[i]!;
      }
      return inside / total;
    };
    const scores: Array<[number, number]> = [];
    for (const seed of SEEDS) {
      const drawn = drawnRegion(await draw({ ...BASE, prompt: 'a red square and a red circle on a blue background', seed, controlNets: [await use(canny, square), await use(seg, disc)] }));
      scores.push([covered(drawn, left), covered(drawn, right)]);
    }
    console.log(`multi-ControlNet: share of each hint's region drawn ${scores.map(([a, b]) => `${a.toFixed(2)}/${b.toFixed(2)}`).join(' ')}`);
    expect(mean(scores.map(([a]) => a))).toBeGreaterThanOrEqual(0.5);
    expect(mean(scores.map(([, b]) => b))).toBeGreaterThanOrEqual(0.5);
  }, 180_000);

  it('conditioning scale 0 gives the pixels of no ControlNet', async () => {
    const hint = squareOutlineHint(128, LEFT_SQUARE);
    const plain = await engine.generate(MODEL, { ...BASE, prompt: PROMPT, seed: 4, returnPixels: true });
    const off = await engine.generate(MODEL, { ...BASE, prompt: PROMPT, seed: 4, returnPixels: true, controlNets: [await use(canny, hint, 0)] });
    expect(Buffer.from(off.pixels!.buffer).equals(Buffer.from(plain.pixels!.buffer))).toBe(true);
  }, 60_000);

  it('guess mode with an empty prompt still draws the hint\'s shape where it is', async () => {
    const hint = squareOutlineHint(128, LEFT_SQUARE);
    const region = hintRegion(hint, 'edges');
    const ious: number[] = [];
    for (const seed of SEEDS) ious.push(await iouWith({ ...BASE, prompt: '', seed, guessMode: true, controlNets: [await use(canny, hint)] }, region));
    console.log(`guess mode IoU ${ious.map((v) => v.toFixed(2)).join(' ')}`);
    expect(mean(ious)).toBeGreaterThanOrEqual(0.4);
  }, 120_000);

  it('with a mask (inpaint), only the masked half changes and the object follows the hint there', async () => {
    const init = await engine.generate(MODEL, { ...BASE, prompt: 'a blue background', seed: 5 });
    const initImg = await decodeImage(init.images[0]!);
    const maskImg: RgbImage = { width: 128, height: 128, data: new Uint8Array(128 * 128 * 3) };
    for (let y = 0; y < 128; y++) for (let x = 0; x < 64; x++) maskImg.data.fill(255, (y * 128 + x) * 3, (y * 128 + x) * 3 + 3);
    const hint = squareOutlineHint(128, LEFT_SQUARE);
    const out = await draw({ ...BASE, prompt: PROMPT, seed: 5, initImage: init.images[0]!, maskImage: await encodePng(maskImg), strength: 1, controlNets: [await use(canny, hint)] });
    let rightDiff = 0;
    for (let y = 0; y < 128; y++) for (let x = 72; x < 128; x++) for (let c = 0; c < 3; c++) rightDiff += Math.abs(out.data[(y * 128 + x) * 3 + c]! - initImg.data[(y * 128 + x) * 3 + c]!);
    const meanRight = rightDiff / (56 * 128 * 3);
    const iou = maskIou(drawnRegion(out), hintRegion(hint, 'edges'));
    console.log(`inpaint: mean change right of the mask ${meanRight.toFixed(1)}, IoU on the left ${iou.toFixed(2)}`);
    expect(meanRight).toBeLessThan(12);
    expect(iou).toBeGreaterThanOrEqual(0.5);
  }, 60_000);
});
