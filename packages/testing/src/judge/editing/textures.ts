import type { Rgb } from '../image';

/** A colour per pixel position: how a synthetic object or background is filled. */
export type Texture = (x: number, y: number) => Rgb;
export type TextureKind = 'stripes' | 'checkers' | 'noise' | 'flat';
export const TEXTURE_KINDS: readonly TextureKind[] = ['stripes', 'checkers', 'noise', 'flat'];

const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

/** Two colours in stripes at an angle, checks, or one colour with uniform noise (±amplitude per channel). */
export function makeTexture(kind: TextureKind, a: Rgb, b: Rgb, random: () => number): Texture {
  const period = 6 + Math.floor(random() * 14);
  if (kind === 'stripes') {
    const angle = random() * Math.PI;
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    return (x, y) => (Math.floor((x * c + y * s) / period) % 2 === 0 ? a : b);
  }
  if (kind === 'checkers')
    return (x, y) => ((Math.floor(x / period) + Math.floor(y / period)) % 2 === 0 ? a : b);
  if (kind === 'noise') {
    const amplitude = 20 + random() * 30;
    return () => [0, 1, 2].map((c) => clamp(a[c]! + (random() * 2 - 1) * amplitude)) as unknown as Rgb;
  }
  return () => a;
}
