import type { JudgedAudio } from './f0';
import { mfcc, N_MFCC } from './mfcc';

/** Frames quieter than this under the loudest (in c0, natural-log units) are silence and left out. */
const SILENCE = 6;

/** c1..c19 of the voiced-ish frames, each utterance's mean removed (what is said, not who says it). */
function contentFrames(audio: JudgedAudio): Float64Array[] {
  const m = mfcc(audio);
  let loudest = -Infinity;
  for (let f = 0; f < m.frames; f++) loudest = Math.max(loudest, m.data[f * N_MFCC]!);
  const kept: Float64Array[] = [];
  for (let f = 0; f < m.frames; f++) {
    if (m.data[f * N_MFCC]! < loudest - SILENCE) continue;
    kept.push(Float64Array.from(m.data.subarray(f * N_MFCC + 1, (f + 1) * N_MFCC)));
  }
  const mean = new Float64Array(N_MFCC - 1);
  for (const v of kept) for (let k = 0; k < mean.length; k++) mean[k]! += v[k]! / kept.length;
  for (const v of kept) for (let k = 0; k < mean.length; k++) v[k]! -= mean[k]!;
  return kept;
}

/**
 * Dynamic time warping of two sequences of vectors (Euclidean frame distance, steps (1,0) (0,1)
 * (1,1)): the cheapest path's total cost divided by its length. 0 for identical sequences.
 */
export function dtwDistance(a: readonly Float64Array[], b: readonly Float64Array[]): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return Number.POSITIVE_INFINITY;
  const cost = new Float64Array((n + 1) * (m + 1)).fill(Number.POSITIVE_INFINITY);
  const steps = new Float64Array((n + 1) * (m + 1));
  cost[0] = 0;
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const x = a[i - 1]!;
      const y = b[j - 1]!;
      let d = 0;
      for (let k = 0; k < x.length; k++) d += (x[k]! - y[k]!) ** 2;
      d = Math.sqrt(d);
      const options: [number, number][] = [
        [cost[at(i - 1, j - 1)]!, steps[at(i - 1, j - 1)]!],
        [cost[at(i - 1, j)]!, steps[at(i - 1, j)]!],
        [cost[at(i, j - 1)]!, steps[at(i, j - 1)]!],
      ];
      let best = options[0]!;
      for (const o of options) if (o[0] < best[0]) best = o;
      cost[at(i, j)] = best[0] + d;
      steps[at(i, j)] = best[1] + 1;
    }
  }
  return cost[at(n, m)]! / steps[at(n, m)]!;
}

/** MFCC-DTW distance between two utterances: how differently they say what they say. */
export function mfccDtw(a: JudgedAudio, b: JudgedAudio): number {
  return dtwDistance(contentFrames(a), contentFrames(b));
}
