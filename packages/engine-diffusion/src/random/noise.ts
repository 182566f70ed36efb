import type { NoiseSource } from '../schedulers/scheduler';
import { PhiloxNormalStream } from './philox';

/** The largest seed accepted (seeds are integers in [0, MAX_SEED]; `seed + i` must stay exact). */
export const MAX_SEED = 2 ** 53 - 1 - 16;

/** A random seed for requests that give none (reported back so the run can be repeated). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 4294967296);
}

/**
 * The per-sample noise of one generation: sample i draws from its own stream seeded
 * `seed + i`, first its initial latent noise, then whatever the scheduler asks for. So a
 * batch of n samples gives exactly what n single runs with seeds seed..seed+n-1 give.
 */
export class SampleNoise implements NoiseSource {
  readonly seeds: number[];
  private readonly streams: PhiloxNormalStream[];

  constructor(seed: number, samples: number) {
    this.seeds = Array.from({ length: samples }, (_, i) => seed + i);
    this.streams = this.seeds.map((s) => new PhiloxNormalStream(s));
  }

  get samples(): number {
    return this.streams.length;
  }

  /** `length` normals laid out batch-major: each sample's share comes from its own stream. */
  randn(length: number): Float32Array {
    const n = this.streams.length;
    if (length % n !== 0) throw new RangeError(`noise length ${length} is not a multiple of the batch size ${n}`);
    const per = length / n;
    const out = new Float32Array(length);
    for (let i = 0; i < n; i++) this.streams[i].fill(out, i * per, per);
    return out;
  }
}
