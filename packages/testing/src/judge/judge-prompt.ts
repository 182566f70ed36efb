import { parseCaption, type ObjectSpec, type SceneSpec } from './caption';
import { decodeImage, type RgbImage } from './image';
import { judgeImage, type ImageJudgement } from './judge-image';

export interface AttributeVerdicts {
  color: boolean;
  background: boolean;
  position: boolean;
  shape: boolean;
}

export interface PromptVerdict {
  expected: SceneSpec;
  /** The caption's object the main blob was compared with (for "… and …": the one whose colour matches, else the first). */
  compared: ObjectSpec;
  judged: ImageJudgement;
  pass: AttributeVerdicts;
  /** colour, background and position right (judge.py's / evaluate.py's "accepted"; shape is scored separately). */
  accepted: boolean;
  acceptedWithShape: boolean;
}

/** Judge decoded pixels against a parsed caption. */
export function judgeScene(expected: SceneSpec, img: RgbImage): PromptVerdict {
  const judged = judgeImage(img);
  const obj = judged.object;
  const compared = expected.objects.find((o) => o.color === obj?.color) ?? expected.objects[0];
  const pass: AttributeVerdicts = {
    color: obj?.color === compared.color,
    background: judged.background === expected.background,
    position: obj?.position === compared.position,
    shape: obj?.shape === compared.shape,
  };
  const accepted = pass.color && pass.background && pass.position;
  return { expected, compared, judged, pass, accepted, acceptedWithShape: accepted && pass.shape };
}

/**
 * Does this image (PNG or anything sharp reads) show what the dataset-style caption asks for?
 * Per-attribute pass/fail for the background and the main object's colour, position and shape.
 */
export async function judgePrompt(prompt: string, png: Buffer): Promise<PromptVerdict> {
  return judgeScene(parseCaption(prompt), await decodeImage(png));
}
