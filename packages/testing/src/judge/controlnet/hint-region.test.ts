import { maskArea, maskIou } from '../mask';
import { drawnRegion, hintRegion } from './hint-region';
import { discSegHint, squareMask, squareOutlineHint, squarePicture } from './hints';

describe('the ControlNet judge', () => {
  const sq = { x: 16, y: 40, side: 44 };

  it("an outline hint's region is the square it encloses", () => {
    const region = hintRegion(squareOutlineHint(128, sq), 'edges');
    expect(maskIou(region, squareMask(128, sq))).toBeGreaterThan(0.93);
  });

  it("a segmentation hint's region is its object", () => {
    const region = hintRegion(discSegHint(128, 90, 64, 20), 'segmentation');
    expect(maskArea(region)).toBeGreaterThan(Math.PI * 19 * 19);
    expect(maskArea(region)).toBeLessThan(Math.PI * 21 * 21);
  });

  it('a picture of the square is drawn where the hint says (IoU 1), and a picture elsewhere is not', () => {
    const region = hintRegion(squareOutlineHint(128, sq), 'edges');
    const here = drawnRegion(squarePicture(128, sq, [220, 30, 30], [20, 40, 200]));
    const there = drawnRegion(squarePicture(128, { x: 70, y: 40, side: 44 }, [220, 30, 30], [20, 40, 200]));
    expect(maskIou(here, region)).toBeGreaterThan(0.93);
    expect(maskIou(there, region)).toBeLessThan(0.1);
  });
});
