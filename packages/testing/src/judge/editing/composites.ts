import type { Rgb, RgbImage } from '../image';
import type { Mask } from '../mask';
import { seededRandom } from './random';
import { makeTexture, TEXTURE_KINDS, type Texture } from './textures';

/** A picture with its truth: which pixels are the object. */
export interface Composite {
  seed: number;
  image: RgbImage;
  truth: Mask;
  /** e.g. "stripes star on noise" (for reports). */
  description: string;
}

type Shape = 'circle' | 'ellipse' | 'rectangle' | 'triangle' | 'star';
const SHAPES: readonly Shape[] = ['circle', 'ellipse', 'rectangle', 'triangle', 'star'];

/**
 * The object's colours stay at least this far (RGB distance) from every background colour: a pixel
 * that shares the background's colours and texture cannot be told from it by any segmenter.
 */
export const MIN_COLOUR_GAP = 80;

const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const pick = <T>(items: readonly T[], random: () => number) => items[Math.floor(random() * items.length)]!;
const colour = (random: () => number): Rgb =>
  [0, 1, 2].map(() => Math.floor(random() * 256)) as unknown as Rgb;

function inside(shape: Shape, u: number, v: number, angle: number): boolean {
  const [x, y] = [u * Math.cos(angle) + v * Math.sin(angle), -u * Math.sin(angle) + v * Math.cos(angle)];
  if (shape === 'circle') return u * u + v * v <= 1;
  if (shape === 'ellipse') return x * x + (y * y) / 0.36 <= 1;
  if (shape === 'rectangle') return Math.abs(x) <= 0.9 && Math.abs(y) <= 0.6;
  if (shape === 'triangle') return y <= 0.5 && y >= -1 + 1.5 * Math.abs(x) * 1.15 - 0.0;
  const r = Math.hypot(x, y);
  const theta = Math.atan2(y, x);
  return r <= 0.55 + 0.45 * Math.abs(Math.cos((5 * theta) / 2));
}

/** One textured object on a textured background, drawn from `seed`. */
export function makeComposite(seed: number, width = 256, height = 256): Composite {
  const random = seededRandom(seed);
  const bgColours: [Rgb, Rgb] = [colour(random), colour(random)];
  let fgColours: [Rgb, Rgb] = [colour(random), colour(random)];
  while (fgColours.some((c) => bgColours.some((b) => distance(b, c) < MIN_COLOUR_GAP)))
    fgColours = [colour(random), colour(random)];
  const bgKind = pick(TEXTURE_KINDS, random);
  const fgKind = pick(TEXTURE_KINDS, random);
  const background: Texture = makeTexture(bgKind, ...bgColours, random);
  const object: Texture = makeTexture(fgKind, ...fgColours, random);
  const shape = pick(SHAPES, random);
  const side = Math.min(width, height);
  const radius = side * (0.18 + random() * 0.14);
  const cx = width / 2 + (random() - 0.5) * (width - 2.6 * radius);
  const cy = height / 2 + (random() - 0.5) * (height - 2.6 * radius);
  const angle = random() * Math.PI * 2;
  const image = new Uint8Array(width * height * 3);
  const truth = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const on = inside(shape, (x + 0.5 - cx) / radius, (y + 0.5 - cy) / radius, angle);
      truth[i] = on ? 1 : 0;
      image.set(on ? object(x, y) : background(x, y), i * 3);
    }
  return {
    seed,
    image: { width, height, data: image },
    truth: { width, height, data: truth },
    description: `${fgKind} ${shape} on ${bgKind}`,
  };
}
