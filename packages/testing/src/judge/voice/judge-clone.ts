import { medianF0, type JudgedAudio } from './f0';
import { mfccDtw } from './dtw';
import { cosine, type SpeakerJudge } from './speaker-judge';

/** Issue 24's targets. */
export const VOICE_TARGETS = { closerShare: 0.8, f0Tolerance: 0.1 } as const;

export interface CloneVerdict {
  /** Judge-embedding cosine of the output with the reference recording / with the source speaker. */
  simReference: number;
  simSource: number;
  closerToReference: boolean;
  /** median F0 of the output / of the reference. */
  f0Ratio: number;
  f0Within: boolean;
  /** MFCC-DTW distance of the output to the source voice saying the same text. */
  mfccDtw: number;
}

export interface CloneCase {
  output: JudgedAudio;
  /** The recording the voice was cloned from. */
  reference: JudgedAudio;
  /** The source speaker (their voice; any text). */
  source: JudgedAudio;
  /** The source voice saying the output's text. */
  sourceSameText: JudgedAudio;
}

export async function judgeClone(judge: SpeakerJudge, c: CloneCase): Promise<CloneVerdict> {
  const [out, ref, src] = await Promise.all([
    judge.embed(c.output),
    judge.embed(c.reference),
    judge.embed(c.source),
  ]);
  const simReference = cosine(out, ref);
  const simSource = cosine(out, src);
  const f0Ratio = medianF0(c.output) / medianF0(c.reference);
  return {
    simReference,
    simSource,
    closerToReference: simReference > simSource,
    f0Ratio,
    f0Within: Math.abs(f0Ratio - 1) <= VOICE_TARGETS.f0Tolerance,
    mfccDtw: mfccDtw(c.output, c.sourceSameText),
  };
}

/**
 * The plain TTS's own variation: MFCC-DTW between different voices saying the same sentence
 * (each inner list is one sentence by several voices); the bound is the largest such distance.
 * A clone whose distance to the source stays within it says the words as clearly as a voice does.
 */
export function ttsVariationBound(renditions: readonly (readonly JudgedAudio[])[]): {
  bound: number;
  median: number;
  pairs: number;
} {
  const ds: number[] = [];
  for (const same of renditions)
    for (let i = 0; i < same.length; i++)
      for (let j = i + 1; j < same.length; j++) ds.push(mfccDtw(same[i]!, same[j]!));
  ds.sort((x, y) => x - y);
  return {
    bound: ds[ds.length - 1] ?? Number.NaN,
    median: ds[ds.length >> 1] ?? Number.NaN,
    pairs: ds.length,
  };
}

export interface CloneSummary {
  pairs: number;
  closerShare: number;
  f0Share: number;
  medianF0Ratio: number;
  intelligibleShare: number;
  medianMfccDtw: number;
  meetsTargets: boolean;
}

export function summariseClones(verdicts: readonly CloneVerdict[], bound: number): CloneSummary {
  const share = (p: (v: CloneVerdict) => boolean) => verdicts.filter(p).length / Math.max(1, verdicts.length);
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
  const s = {
    pairs: verdicts.length,
    closerShare: share((v) => v.closerToReference),
    f0Share: share((v) => v.f0Within),
    medianF0Ratio: median(verdicts.map((v) => v.f0Ratio)),
    intelligibleShare: share((v) => v.mfccDtw <= bound),
    medianMfccDtw: median(verdicts.map((v) => v.mfccDtw)),
  };
  return {
    ...s,
    meetsTargets:
      s.closerShare >= VOICE_TARGETS.closerShare &&
      s.f0Share >= VOICE_TARGETS.closerShare &&
      s.intelligibleShare >= VOICE_TARGETS.closerShare,
  };
}
