/**
 * Marching cubes' 256 cases, derived here instead of typed in: for each pattern of inside
 * corners, the surface crosses the cube's faces in segments (one per face with two crossings;
 * a face whose inside corners sit on a diagonal cuts each inside corner off on its own, a rule
 * that depends on the face alone, so the two cubes sharing it agree and the mesh stays closed).
 * The segments, oriented with the inside on their right as seen from outside the cube, chain
 * into loops; each loop is fanned into triangles wound so their normals point outside.
 *
 * Corner c sits at (c & 1, c >> 1 & 1, c >> 2 & 1); an edge joins two corners one bit apart.
 */
export const CORNERS: readonly (readonly [number, number, number])[] = Array.from({ length: 8 }, (_, c) => [c & 1, (c >> 1) & 1, (c >> 2) & 1] as const);

/** The 12 edges as [lower corner, upper corner]; the axis is the bit they differ in. */
export const EDGES: readonly (readonly [number, number])[] = (() => {
  const out: [number, number][] = [];
  for (let a = 0; a < 8; a++) for (let bit = 0; bit < 3; bit++) if (!(a & (1 << bit))) out.push([a, a | (1 << bit)]);
  return out;
})();

export function edgeAxis(edge: number): number {
  const [a, b] = EDGES[edge];
  return Math.log2(b - a);
}

function edgeBetween(a: number, b: number): number {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return EDGES.findIndex(([x, y]) => x === lo && y === hi);
}

type Vec = [number, number, number];
const sub = (a: readonly number[], b: readonly number[]): Vec => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: Vec, b: Vec): Vec => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const dot = (a: Vec, b: Vec): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** The six faces, each as its four corners in cyclic order and its outward normal. */
const FACES: { corners: number[]; normal: Vec }[] = (() => {
  const out: { corners: number[]; normal: Vec }[] = [];
  for (let axis = 0; axis < 3; axis++) {
    for (const side of [0, 1]) {
      const [u, v] = [0, 1, 2].filter((b) => b !== axis);
      const corners = [0, 1 << u, (1 << u) | (1 << v), 1 << v].map((c) => c | (side << axis));
      const normal: Vec = [0, 0, 0];
      normal[axis] = side ? 1 : -1;
      out.push({ corners, normal });
    }
  }
  return out;
})();

const mid = (edge: number): Vec => {
  const [a, b] = EDGES[edge];
  return [(CORNERS[a][0] + CORNERS[b][0]) / 2, (CORNERS[a][1] + CORNERS[b][1]) / 2, (CORNERS[a][2] + CORNERS[b][2]) / 2];
};

function faceSegments(inside: (c: number) => boolean): [number, number][] {
  const segments: [number, number][] = [];
  for (const { corners, normal } of FACES) {
    const crossings: { edge: number; from: number }[] = [];
    for (let k = 0; k < 4; k++) {
      const a = corners[k];
      const b = corners[(k + 1) % 4];
      if (inside(a) !== inside(b)) crossings.push({ edge: edgeBetween(a, b), from: k });
    }
    const pairs: [number, number, number][] = []; // edge, edge, an inside corner beside them
    if (crossings.length === 2) {
      const [p, q] = crossings;
      const inCorner = corners.find((c) => inside(c))!;
      pairs.push([p.edge, q.edge, inCorner]);
    } else if (crossings.length === 4) {
      for (let k = 0; k < 4; k++) {
        const c = corners[k];
        if (!inside(c)) continue;
        pairs.push([edgeBetween(corners[(k + 3) % 4], c), edgeBetween(c, corners[(k + 1) % 4]), c]);
      }
    }
    for (const [e1, e2, c] of pairs) {
      const p = mid(e1);
      const d = sub(mid(e2), p);
      // inside corner on the segment's right, seen from outside the cube
      segments.push(dot(cross(d, sub(CORNERS[c], p)), normal) < 0 ? [e1, e2] : [e2, e1]);
    }
  }
  return segments;
}

function sharesFace(e1: number, e2: number): boolean {
  const corners = (e: number) => EDGES[e];
  return FACES.some(({ corners: f }) => corners(e1).every((c) => f.includes(c)) && corners(e2).every((c) => f.includes(c)));
}

/**
 * One loop of a case: its edges in order, and the loop vertex to fan its triangles from, or -1
 * when every fan would lay a diagonal along a cube face (possible beside an ambiguous face): the
 * neighbouring cube could lay the same diagonal, and that edge would belong to four triangles.
 * Such a loop is fanned from a vertex of its own at the loop's centre instead.
 */
export interface CaseLoop {
  edges: number[];
  fanFrom: number;
}

export function caseLoops(mask: number): CaseLoop[] {
  const next = new Map<number, number>();
  for (const [from, to] of faceSegments((c) => ((mask >> c) & 1) === 1)) next.set(from, to);
  const loops: CaseLoop[] = [];
  const seen = new Set<number>();
  for (const start of next.keys()) {
    if (seen.has(start)) continue;
    const edges: number[] = [];
    for (let e = start; !seen.has(e); e = next.get(e)!) {
      seen.add(e);
      edges.push(e);
    }
    const n = edges.length;
    let fanFrom = -1;
    for (let s = 0; s < n && fanFrom < 0; s++) {
      let ok = true;
      for (let i = 2; i < n - 1 && ok; i++) ok = !sharesFace(edges[s], edges[(s + i) % n]);
      if (ok) fanFrom = s;
    }
    loops.push({ edges, fanFrom });
  }
  return loops;
}

/** All 256 cases' loops. */
export const CASES: readonly CaseLoop[][] = Array.from({ length: 256 }, (_, m) => caseLoops(m));
