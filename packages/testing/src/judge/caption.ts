import { COLOR_NAMES, SHAPE_NAMES, type ColorName, type PositionName, type ShapeName } from './palette';

export interface ObjectSpec {
  color: ColorName;
  shape: ShapeName;
  position: PositionName;
  size: 'small' | 'large' | null;
}

export interface SceneSpec {
  background: ColorName;
  objects: ObjectSpec[];
}

const COLOR = `(${COLOR_NAMES.join('|')})`;
const SHAPE = `(${SHAPE_NAMES.join('|')})`;
// "<colour> background" anywhere, or a trailing "on <colour>" (dataset phrasing "a red circle on blue")
const BACKGROUND = new RegExp(`\\b(?:(?:a|an)\\s+)?${COLOR}\\s+background\\b|\\bon\\s+${COLOR}\\s*$`);
const OBJECT = new RegExp(`\\b(?:(small|large)\\s+)?${COLOR}\\s+${SHAPE}\\b`);

/** Position words in one object's phrase → the dataset's name; no position word means centre. */
function parsePosition(phrase: string): PositionName {
  const row = /\btop\b/.test(phrase) ? 'top' : /\bbottom\b/.test(phrase) ? 'bottom' : '';
  const col = /\bleft\b/.test(phrase) ? 'left' : /\bright\b/.test(phrase) ? 'right' : '';
  if (!row && !col) return 'centre';
  return `${row} ${col}`.trim() as PositionName;
}

/**
 * A dataset-style caption (models/training/dataset.py caption_for) → what it asks for, e.g.
 * "a blue ring in the top left corner on a green background", "large cyan cross in the centre,
 * purple background", "a red background with a yellow circle", "black star on the left, pink background",
 * "a red circle on blue", or two objects joined by "and". Throws on a caption outside that grammar.
 */
export function parseCaption(caption: string): SceneSpec {
  const text = caption.toLowerCase().replace(/\s+/g, ' ').trim();
  const bg = BACKGROUND.exec(text);
  if (!bg) throw new Error(`no background colour in caption: ${caption}`);
  const background = (bg[1] ?? bg[2]) as ColorName;
  const rest = text.slice(0, bg.index) + ' ' + text.slice(bg.index + bg[0].length);
  const objects = rest.split(/\band\b/).map((phrase): ObjectSpec => {
    const m = OBJECT.exec(phrase);
    if (!m) throw new Error(`no "<colour> <shape>" in caption part "${phrase.trim()}": ${caption}`);
    return {
      color: m[2] as ColorName,
      shape: m[3] as ShapeName,
      position: parsePosition(phrase),
      size: (m[1] as 'small' | 'large' | undefined) ?? null,
    };
  });
  return { background, objects };
}
