import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { insidePrimitive, insideScene, type PrimitiveSpec } from './primitives';
import { openEdges, voxelize, type JudgedMesh } from './voxelize';

/** One held-out prompt or view (models/training/mesh/heldout_mesh.json, written by heldout.py). */
export interface HeldOutShape {
  prompt: string;
  objects: PrimitiveSpec[];
}

export interface HeldOutView {
  /** Absolute path of the PNG. */
  file: string;
  caption: string;
  objects: PrimitiveSpec[];
}

export interface MeshHeldOut {
  colours: Record<string, [number, number, number]>;
  prompts: HeldOutShape[];
  views: HeldOutView[];
}

export const MESH_HELDOUT_FILE = join(__dirname, '../../../../../models/training/mesh/heldout_mesh.json');

/** The held-out set: prompts naming (shape, colour) pairs never in training, and views of such scenes. */
export function meshHeldOut(file = MESH_HELDOUT_FILE): MeshHeldOut {
  const data = JSON.parse(readFileSync(file, 'utf8')) as MeshHeldOut & { views: (HeldOutView & { file: string })[] };
  return { ...data, views: data.views.map((v) => ({ ...v, file: join(dirname(file), v.file) })) };
}

/** The bar: IoU with the true solid at least this, every object's colour right. */
export const MIN_IOU = 0.6;

export interface MeshVerdict {
  /** Voxel IoU of the mesh's solid with the named shape's, on a res^3 grid over [-1, 1]^3. */
  iou: number;
  /** Per object (in the prompt's order): the palette colour nearest to the mean colour of the mesh near it. */
  colours: (string | null)[];
  coloursRight: boolean;
  /** Edges not shared by exactly two triangles (0: closed). */
  openEdges: number;
  passed: boolean;
}

function nearestColour(rgb: [number, number, number], palette: Record<string, [number, number, number]>): string {
  let best = '';
  let bestDistance = Infinity;
  for (const [name, c] of Object.entries(palette)) {
    const d = Math.hypot(rgb[0] - c[0], rgb[1] - c[1], rgb[2] - c[2]);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

/**
 * Judges a mesh against the scene a prompt names: the solid it encloses against the true one
 * (voxel IoU), each object's colour (the vertices nearest that object's centre), closedness.
 */
export function judgeMesh(mesh: JudgedMesh, objects: readonly PrimitiveSpec[], palette: Record<string, [number, number, number]>, res = 64): MeshVerdict {
  const solid = voxelize(mesh, res);
  const cell = 2 / res;
  let inter = 0;
  let union = 0;
  for (let k = 0; k < res; k++) {
    for (let j = 0; j < res; j++) {
      for (let i = 0; i < res; i++) {
        const truth = insideScene(objects, -1 + (i + 0.5) * cell, -1 + (j + 0.5) * cell, -1 + (k + 0.5) * cell);
        const drawn = solid[(k * res + j) * res + i] === 1;
        if (truth && drawn) inter++;
        if (truth || drawn) union++;
      }
    }
  }
  const sums = objects.map(() => [0, 0, 0, 0]);
  const p = mesh.positions;
  if (mesh.colors) {
    for (let v = 0; v < p.length; v += 3) {
      let nearest = 0;
      let best = Infinity;
      objects.forEach((o, n) => {
        const d = Math.hypot(p[v] - o.center[0], p[v + 1] - o.center[1], p[v + 2] - o.center[2]);
        if (d < best) [nearest, best] = [n, d];
      });
      for (let c = 0; c < 3; c++) sums[nearest][c] += mesh.colors[v + c];
      sums[nearest][3]++;
    }
  }
  const colours = sums.map((s) => (s[3] ? nearestColour([(255 * s[0]) / s[3], (255 * s[1]) / s[3], (255 * s[2]) / s[3]], palette) : null));
  const coloursRight = colours.every((c, n) => c === objects[n].colour);
  const iou = union ? inter / union : 0;
  return { iou, colours, coloursRight, openEdges: openEdges(mesh), passed: iou >= MIN_IOU && coloursRight };
}

export { insidePrimitive };
