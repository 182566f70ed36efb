/**
 * The primitives of easel-tiny-mesh's world (models/training/mesh/world.py), as inside tests:
 * y up, each solid sized by one `scale` s and centred at `center`:
 * sphere r = s; cube half-side 0.8 s; cylinder r = 0.75 s, half-height s; cone base r = s at
 * y = -s, apex at y = +s; torus R = 0.7 s, tube 0.3 s, flat in xz; capsule segment
 * y in [-0.5 s, 0.5 s], r = 0.5 s.
 */
export type PrimitiveShape = 'sphere' | 'cube' | 'cone' | 'cylinder' | 'torus' | 'capsule';

export interface PrimitiveSpec {
  shape: PrimitiveShape;
  colour: string;
  size: string | null;
  center: [number, number, number];
  scale: number;
}

export function insidePrimitive(o: PrimitiveSpec, x: number, y: number, z: number): boolean {
  const s = o.scale;
  const px = x - o.center[0];
  const py = y - o.center[1];
  const pz = z - o.center[2];
  const radial = Math.hypot(px, pz);
  switch (o.shape) {
    case 'sphere':
      return Math.hypot(px, py, pz) < s;
    case 'cube':
      return Math.max(Math.abs(px), Math.abs(py), Math.abs(pz)) < 0.8 * s;
    case 'cylinder':
      return radial < 0.75 * s && Math.abs(py) < s;
    case 'cone':
      return Math.abs(py) < s && radial < (s * (s - py)) / (2 * s);
    case 'torus':
      return Math.hypot(radial - 0.7 * s, py) < 0.3 * s;
    case 'capsule': {
      const yy = Math.min(0.5 * s, Math.max(-0.5 * s, py));
      return Math.hypot(px, py - yy, pz) < 0.5 * s;
    }
  }
}

export const insideScene = (objects: readonly PrimitiveSpec[], x: number, y: number, z: number): boolean =>
  objects.some((o) => insidePrimitive(o, x, y, z));
