import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColorName, PositionName, ShapeName } from './palette';

/** Test fixtures written by fixtures/make_fixtures.py from models/training/dataset.py. */
export const FIXTURES_DIR = join(__dirname, 'fixtures');

export interface GroundTruthImage {
  file: string;
  caption: string;
  background: ColorName;
  color: ColorName;
  shape: ShapeName;
  position: PositionName;
  size: 'small' | 'large' | null;
}

export interface HeldoutPrompt {
  prompt: string;
  shape: ShapeName;
  color: ColorName;
  background: ColorName;
  position: PositionName;
}

/**
 * The committed ground-truth images, or a larger set made with
 * `make_fixtures.py --per-shape 100 --out DIR` when JUDGE_GROUND_TRUTH=DIR is set.
 */
export function groundTruth(dir = process.env.JUDGE_GROUND_TRUTH ?? join(FIXTURES_DIR, 'ground-truth')): Array<GroundTruthImage & { png: Buffer }> {
  const rows = JSON.parse(readFileSync(join(dir, 'captions.json'), 'utf8')) as GroundTruthImage[];
  return rows.map((r) => ({ ...r, png: readFileSync(join(dir, r.file)) }));
}

/** The 40 held-out (shape, colour, background) prompts — never in easel-tiny's training data. */
export function heldoutPrompts(): HeldoutPrompt[] {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'heldout-prompts.json'), 'utf8')) as HeldoutPrompt[];
}
