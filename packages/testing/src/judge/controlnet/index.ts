export { hintRegion, drawnRegion } from './hint-region';
export { squareOutlineHint, discSegHint, squarePicture, squareMask, SEG_BACKGROUND, SEG_OBJECT, type Square } from './hints';
