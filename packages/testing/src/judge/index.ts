export { decodeImage, encodePng, encodeMaskPng, medianColour, colourDistance, pixelAt, type RgbImage, type Rgb } from './image';
export {
  PALETTE,
  COLOR_NAMES,
  SHAPE_NAMES,
  POSITION_NAMES,
  nearestColor,
  type ColorName,
  type ShapeName,
  type PositionName,
} from './palette';
export { emptyMask, rectMask, maskArea, maskCentroid, maskBounds, maskIou, type Mask } from './mask';
export { largestComponent, enclosedHoles } from './components';
export { backgroundColour } from './background';
export { backgroundSpread } from './background-spread';
export { mainObject, foregroundMask, FOREGROUND_DISTANCE, MIN_OBJECT_AREA, type MainObject } from './main-object';
export { positionName } from './position';
export { shapeFeatures, classifyShape, type ShapeFeatures } from './shape';
export { judgeImage, type ImageJudgement, type ObjectJudgement } from './judge-image';
export { parseCaption, type SceneSpec, type ObjectSpec } from './caption';
export { judgePrompt, judgeScene, type PromptVerdict, type AttributeVerdicts } from './judge-prompt';
export { colorFraction, meanAbsDifference, differenceByMask } from './measure';
export { colourMask, stripeScore, outlineScore, frameFeatures, OUTLINE_RGB, type FrameFeatures } from './style';
export { elongation } from './elongation';
export { alphaMaskIou, keptMask } from './editing/alpha-mask';
export { makeComposite, MIN_COLOUR_GAP, type Composite } from './editing/composites';
export { hintRegion, drawnRegion, squareOutlineHint, discSegHint, squarePicture, squareMask, SEG_BACKGROUND, SEG_OBJECT, type Square } from './controlnet';
export { judgeObjectRemoval, coloursUnder, surroundings, type RemovalJudgement } from './editing/object-removal';
export { judgeOutpaint, type OutpaintJudgement, type Placement } from './editing/outpaint';
export { checkerCircle, checkerInstanceImages, judgeChecker, CHECKER_LIGHT, CHECKER_DARK, CHECKER_BACKGROUND, type CheckerVerdict } from './training/checker-concept';
export { chatHeldOut, judgeExactMatch, type ExactMatchScore, type HeldOutQuestion } from './chat/held-out';
export { judgeMotion, videoHeldOut, MIN_TRAVEL, type MotionVerdict, type HeldOutMotion, type Direction } from './video/motion';
export { judgeMesh, meshHeldOut, MESH_HELDOUT_FILE, MIN_IOU, type MeshVerdict, type MeshHeldOut, type HeldOutShape, type HeldOutView } from './mesh/mesh-judge';
export { insidePrimitive, insideScene, type PrimitiveSpec, type PrimitiveShape } from './mesh/primitives';
export { voxelize, openEdges, type JudgedMesh } from './mesh/voxelize';
export { readGlbMesh } from './mesh/read-glb';
export * from './voice';
