import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { JudgedAudio } from './f0';
import { mfcc, N_MFCC } from './mfcc';

/**
 * The judge's speaker-verification net (models/training/voice/train.py, JudgeNet): MFCC
 * statistics -> a unit embedding, trained only on the training speakers, with its own features,
 * architecture and seed, nothing shared with the cloner's speaker encoder.
 */
export const VOICE_JUDGE_DIR = join(__dirname, '..', 'fixtures', 'voice-judge');

export interface SpeakerJudge {
  embed(audio: JudgedAudio): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function loadSpeakerJudge(dir = VOICE_JUDGE_DIR): Promise<SpeakerJudge> {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { n_mfcc: number };
  if (config.n_mfcc !== N_MFCC)
    throw new Error(`${dir}: the judge reads ${config.n_mfcc} MFCCs, this code makes ${N_MFCC}`);
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
  });
  return {
    async embed(audio) {
      const m = mfcc(audio);
      const out = await session.run({ mfcc: new ort.Tensor('float32', m.data, [1, m.frames, N_MFCC]) });
      return Float32Array.from(out['embedding']!.data as Float32Array);
    },
    release: () => session.release(),
  };
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}
