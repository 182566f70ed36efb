import type { Mask } from './mask';

type Point = readonly [number, number];

function cross(o: Point, a: Point, b: Point): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Convex hull (Andrew's monotone chain), counter-clockwise, without collinear points. */
export function convexHull(points: Point[]): Point[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const half = (list: Point[]): Point[] => {
    const h: Point[] = [];
    for (const p of list) {
      while (h.length >= 2 && cross(h[h.length - 2], h[h.length - 1], p) <= 0) h.pop();
      h.push(p);
    }
    h.pop();
    return h;
  };
  return [...half(pts), ...half([...pts].reverse())];
}

export function polygonArea(poly: Point[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i];
    const b = poly[(i + 1) % poly.length];
    s += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(s) / 2;
}

/**
 * Area of the convex hull of the mask's pixel squares (their corners), comparable with the
 * pixel count: a fully convex pixel shape scores close to its own area.
 */
export function maskHullArea(mask: Mask): number {
  const corners: Point[] = [];
  for (let y = 0; y < mask.height; y++) {
    // only each row's first and last set pixel can be on the hull
    let first = -1;
    let last = -1;
    for (let x = 0; x < mask.width; x++)
      if (mask.data[y * mask.width + x]) {
        if (first < 0) first = x;
        last = x;
      }
    if (first < 0) continue;
    corners.push([first, y], [first, y + 1], [last + 1, y], [last + 1, y + 1]);
  }
  return polygonArea(convexHull(corners));
}
