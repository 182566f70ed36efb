import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One held-out question of a chat model and the answer it must give, with its kind (scene, field, ...). */
export interface HeldOutQuestion {
  question: string;
  answer: string;
  kind: string;
}

/** The held-out questions models/training/chat/train.py wrote beside the bundled chat model (never trained on). */
export function chatHeldOut(modelDir = join(__dirname, '../../../../../models/easel-chat-tiny')): HeldOutQuestion[] {
  return JSON.parse(readFileSync(join(modelDir, 'heldout.json'), 'utf8')) as HeldOutQuestion[];
}

export interface ExactMatchScore {
  right: number;
  total: number;
  score: number;
  /** kind → [right, total] */
  byKind: Record<string, [number, number]>;
  /** The questions answered wrongly, with what came back. */
  wrong: Array<HeldOutQuestion & { got: string }>;
}

/**
 * The chat judge: exact match of each reply (trimmed) with the expected answer, overall and per
 * kind. A reply is right only as written: no partial credit, no case folding.
 */
export async function judgeExactMatch(questions: readonly HeldOutQuestion[], reply: (question: string) => Promise<string>): Promise<ExactMatchScore> {
  const byKind: Record<string, [number, number]> = {};
  const wrong: ExactMatchScore['wrong'] = [];
  let right = 0;
  for (const q of questions) {
    const got = (await reply(q.question)).trim();
    const ok = got === q.answer;
    right += ok ? 1 : 0;
    if (!ok) wrong.push({ ...q, got });
    const [k, n] = byKind[q.kind] ?? [0, 0];
    byKind[q.kind] = [k + (ok ? 1 : 0), n + 1];
  }
  return { right, total: questions.length, score: questions.length === 0 ? 0 : right / questions.length, byKind, wrong };
}
