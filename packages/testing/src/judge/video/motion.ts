import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { colourDistance, type RgbImage } from '../image';
import { judgeImage, type ImageJudgement } from '../judge-image';
import type { ColorName, ShapeName } from '../palette';

export type Direction = 'left' | 'right' | 'up' | 'down';

/** One held-out motion prompt (models/training/video/heldout_motion.json, written by clips.py). */
export interface HeldOutMotion {
  prompt: string;
  motion: Direction;
  shape: ShapeName;
  color: ColorName;
  background: ColorName;
}

/** The held-out set: easel-tiny's held-out (shape, colour, background) triples, each with a direction; never in training. */
export function videoHeldOut(file = join(__dirname, '../../../../../models/training/video/heldout_motion.json')): HeldOutMotion[] {
  return JSON.parse(readFileSync(file, 'utf8')) as HeldOutMotion[];
}

/** The object must travel at least this share of the frame's side along the named axis. */
export const MIN_TRAVEL = 0.15;
/**
 * A glide, not a jump: no step between consecutive frames may move the centroid more than this share of the
 * side. The training clips travel 0.56 of the side over the clip (0.08 a step at 8 frames); a model that
 * redraws the object elsewhere each frame jumps by a third of the side or more.
 */
export const MAX_GLIDE_STEP = 0.2;

export interface MotionVerdict {
  /** The direction the object's centroid went (the larger axis of its displacement), or null when it hardly moved. */
  direction: Direction | null;
  /** Displacement from the first quarter of the clip to the last, as shares of the width / height. */
  dx: number;
  dy: number;
  directionRight: boolean;
  /** Largest centroid move between consecutive frames with an object, as a share of the side (hypot of x and y). */
  maxStep: number;
  /** Moves the named way, every frame has the object, and no step is a jump (maxStep ≤ MAX_GLIDE_STEP). */
  glidesRight: boolean;
  /** Share of frames whose object has the asked colour / shape, and whose background is the asked one. */
  colourFrames: number;
  shapeFrames: number;
  backgroundFrames: number;
  /** Frames with no object at all. */
  emptyFrames: number;
  /** Largest RGB distance between the object's colour in consecutive frames. */
  maxColourStep: number;
  /** Coefficient of variation of the object's area over the frames (0: the same size throughout). */
  areaVariation: number;
  frames: ImageJudgement[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * What a clip shows, judged as the image judge judges a picture, frame by frame: the main object's
 * colour, shape and centroid. The motion is the centroid's displacement between the first and the
 * last quarter of the frames; it must be along the named axis, in the named sense, by MIN_TRAVEL.
 * `glidesRight` asks more: that motion, with the object in every frame and no jump between two.
 */
export function judgeMotion(frames: readonly RgbImage[], expected: Pick<HeldOutMotion, 'motion' | 'color' | 'shape' | 'background'>): MotionVerdict {
  const judged = frames.map(judgeImage);
  const withObject = judged.map((j, i) => ({ j, i })).filter(({ j }) => j.object !== null);
  const quarter = Math.max(1, Math.floor(frames.length / 4));
  const first = withObject.filter(({ i }) => i < quarter);
  const last = withObject.filter(({ i }) => i >= frames.length - quarter);
  const { width, height } = frames[0];
  const dx = first.length && last.length ? (mean(last.map(({ j }) => j.object!.centroid.x)) - mean(first.map(({ j }) => j.object!.centroid.x))) / width : 0;
  const dy = first.length && last.length ? (mean(last.map(({ j }) => j.object!.centroid.y)) - mean(first.map(({ j }) => j.object!.centroid.y))) / height : 0;
  let direction: Direction | null = null;
  if (Math.max(Math.abs(dx), Math.abs(dy)) >= MIN_TRAVEL) direction = Math.abs(dx) >= Math.abs(dy) ? (dx > 0 ? 'right' : 'left') : dy > 0 ? 'down' : 'up';
  const objects = withObject.map(({ j }) => j.object!);
  let maxStep = 0;
  for (let k = 1; k < objects.length; k++) {
    maxStep = Math.max(maxStep, Math.hypot((objects[k].centroid.x - objects[k - 1].centroid.x) / width, (objects[k].centroid.y - objects[k - 1].centroid.y) / height));
  }
  let maxColourStep = 0;
  for (let k = 1; k < objects.length; k++) maxColourStep = Math.max(maxColourStep, colourDistance(objects[k - 1].rgb, objects[k].rgb));
  const areas = objects.map((o) => o.area);
  const m = mean(areas);
  const sd = Math.sqrt(mean(areas.map((a) => (a - m) ** 2)));
  const share = (test: (j: ImageJudgement) => boolean) => judged.filter(test).length / judged.length;
  return {
    direction,
    dx,
    dy,
    directionRight: direction === expected.motion,
    maxStep,
    glidesRight: direction === expected.motion && objects.length === judged.length && maxStep <= MAX_GLIDE_STEP,
    colourFrames: share((j) => j.object?.color === expected.color),
    shapeFrames: share((j) => j.object?.shape === expected.shape),
    backgroundFrames: share((j) => j.background === expected.background),
    emptyFrames: judged.length - objects.length,
    maxColourStep,
    areaVariation: m > 0 ? sd / m : 0,
    frames: judged,
  };
}
