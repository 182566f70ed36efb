import { backgroundColour } from './background';
import type { Rgb, RgbImage } from './image';
import { mainObject } from './main-object';
import { maskArea, maskCentroid } from './mask';
import { nearestColor, type ColorName, type PositionName, type ShapeName } from './palette';
import { positionName } from './position';
import { classifyShape, shapeFeatures, type ShapeFeatures } from './shape';

export interface ObjectJudgement {
  color: ColorName;
  rgb: Rgb;
  position: PositionName;
  centroid: { x: number; y: number };
  shape: ShapeName;
  features: ShapeFeatures;
  /** Pixels in the blob. */
  area: number;
}

export interface ImageJudgement {
  background: ColorName;
  backgroundRgb: Rgb;
  /** The main (largest non-background) object; null when the image is (nearly) flat. */
  object: ObjectJudgement | null;
}

/** What a single-object dataset image shows: background colour, and the main object's colour, position and shape. */
export function judgeImage(img: RgbImage): ImageJudgement {
  const backgroundRgb = backgroundColour(img);
  const background = nearestColor(backgroundRgb);
  const main = mainObject(img, backgroundRgb);
  if (!main) return { background, backgroundRgb, object: null };
  const centroid = maskCentroid(main.mask);
  const features = shapeFeatures(main.mask);
  return {
    background,
    backgroundRgb,
    object: {
      color: nearestColor(main.rgb),
      rgb: main.rgb,
      position: positionName(centroid.x, centroid.y, img.width, img.height),
      centroid,
      shape: classifyShape(features),
      features,
      area: maskArea(main.mask),
    },
  };
}
