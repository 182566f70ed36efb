import type { PositionName } from './palette';

/**
 * A point → the dataset's position names by thirds of the image (judge.py): "top"/"bottom" for
 * the upper/lower third, "left"/"right" for the outer thirds, both for corners, "centre" for the middle.
 */
export function positionName(x: number, y: number, width: number, height: number): PositionName {
  const col = x < width / 3 ? 'left' : x > (2 * width) / 3 ? 'right' : '';
  const row = y < height / 3 ? 'top' : y > (2 * height) / 3 ? 'bottom' : '';
  if (!col && !row) return 'centre';
  return `${row} ${col}`.trim() as PositionName;
}
