import { enclosedHoles } from './components';
import { maskHullArea } from './convex-hull';
import { maskArea, maskBounds, maskCentroid, type Mask } from './mask';
import type { ShapeName } from './palette';

/** Scale-invariant descriptors of one blob. Values for the dataset's ideal shapes in the comments. */
export interface ShapeFeatures {
  /** Enclosed background / (blob + enclosed background): ring 0.30, everything else 0. */
  holeFraction: number;
  /** Area / convex-hull area: convex shapes ≈ 1, cross 0.74, star 0.56. */
  solidity: number;
  /** Area / bounding-box area: square 1, circle 0.79, cross 0.59, triangle 0.50, star 0.38. */
  extent: number;
  /** Moment compactness A² / (2π (μ20 + μ02)), 1 for a disc: square 0.95, triangle 0.83, ring 0.54. */
  compactness: number;
}

export function shapeFeatures(blob: Mask): ShapeFeatures {
  const area = maskArea(blob);
  const holes = maskArea(enclosedHoles(blob));
  const b = maskBounds(blob);
  const c = maskCentroid(blob);
  let inertia = 0;
  for (let y = b.y0; y <= b.y1; y++)
    for (let x = b.x0; x <= b.x1; x++)
      if (blob.data[y * blob.width + x]) {
        const dx = x + 0.5 - c.x;
        const dy = y + 0.5 - c.y;
        inertia += dx * dx + dy * dy + 1 / 6; // + a unit square's own polar moment
      }
  return {
    holeFraction: holes / (area + holes),
    solidity: area / maskHullArea(blob),
    extent: area / ((b.x1 - b.x0 + 1) * (b.y1 - b.y0 + 1)),
    compactness: (area * area) / (2 * Math.PI * inertia),
  };
}

/**
 * The dataset's shapes (axis-aligned, never rotated) told apart by a few thresholds, each
 * roughly half-way between the ideal values of the shapes it separates:
 * a hole → ring; very non-convex → star; moderately non-convex → cross;
 * then by how much of the bounding box is filled: square > circle > triangle.
 */
export function classifyShape(f: ShapeFeatures): ShapeName {
  if (f.holeFraction > 0.08) return 'ring';
  if (f.solidity < 0.66) return 'star';
  if (f.solidity < 0.86) return 'cross';
  if (f.extent > 0.9) return 'square';
  if (f.extent > 0.65) return 'circle';
  return 'triangle';
}
