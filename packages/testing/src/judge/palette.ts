import palette from './fixtures/palette.json';
import { colourDistance, type Rgb } from './image';

/**
 * The dataset's vocabulary. `fixtures/palette.json` is written by `fixtures/make_fixtures.py`
 * from models/training/dataset.py (COLORS, SHAPES, POSITIONS), so these cannot drift from the
 * images easel-tiny was trained on.
 */
export type ColorName = 'red' | 'green' | 'blue' | 'yellow' | 'orange' | 'purple' | 'white' | 'black' | 'pink' | 'cyan';
export type ShapeName = 'circle' | 'square' | 'triangle' | 'star' | 'ring' | 'cross';
export type PositionName =
  | 'top left'
  | 'top'
  | 'top right'
  | 'left'
  | 'centre'
  | 'right'
  | 'bottom left'
  | 'bottom'
  | 'bottom right';

export const PALETTE: Readonly<Record<ColorName, Rgb>> = palette.colors as unknown as Record<ColorName, Rgb>;
export const COLOR_NAMES = Object.keys(PALETTE) as ColorName[];
export const SHAPE_NAMES = palette.shapes as ShapeName[];
export const POSITION_NAMES = Object.keys(palette.positions) as PositionName[];

/** Nearest named colour by RGB distance (as judge.py). */
export function nearestColor(rgb: Rgb): ColorName {
  let best = COLOR_NAMES[0];
  let bestDist = Infinity;
  for (const name of COLOR_NAMES) {
    const d = colourDistance(rgb, PALETTE[name]);
    if (d < bestDist) {
      best = name;
      bestDist = d;
    }
  }
  return best;
}
