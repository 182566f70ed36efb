import { CancelledError, DiffusionError } from '@easel/engine-diffusion';
import { blankPixels, encodeImage, encodeText, type Condition } from './conditioning';
import { ShapeField, decodePoints } from './field/shape-field';
import { frameImage } from './image/frame-image';
import { marchingCubes } from './mesh/marching-cubes';
import { simplifyMesh } from './mesh/simplify';
import type { TriangleMesh } from './mesh/triangle-mesh';
import { DEFAULT_MESH_LIMITS, validateMeshRequest, type MeshLimits, type MeshRequest } from './mesh-request';
import type { MeshModel } from './mesh-model';
import { previewPng, turntableGif } from './preview/preview';
import { sampleLatent } from './sample-latent';
import { writeMeshFile, type MeshFile } from './writers/mesh-file';

export interface MeshProgress {
  /** 1-based: the prior's denoising steps, then the surface, then the files. */
  step: number;
  total: number;
  phase: 'denoise' | 'surface' | 'files';
  elapsedMs: number;
}

export interface MeshTimings {
  totalMs: number;
  conditionMs: number;
  priorMs: number;
  surfaceMs: number;
  simplifyMs: number;
  filesMs: number;
  /** Decoder evaluations for the surface (the coarse pass and the band around the surface). */
  decodedPoints: number;
}

export interface MeshResult {
  file: MeshFile;
  preview: Buffer;
  turntable?: Buffer;
  mesh: TriangleMesh;
  vertices: number;
  triangles: number;
  /** Before simplification. */
  extractedTriangles: number;
  seed: number;
  timings: MeshTimings;
  /** image_to_3d: the framed view the image encoder saw (RGB bytes, image_size square). */
  framedView?: Uint8Array;
}

export interface MeshOptions {
  signal?: AbortSignal;
  onProgress?: (event: MeshProgress) => void;
  limits?: MeshLimits;
}

/** The model drew no surface inside its bounds (nothing to mesh). */
export class EmptyMeshError extends DiffusionError {
  constructor() {
    super('empty_mesh', 'The model produced no surface for this request; try another seed or prompt.');
  }
}

/**
 * Shap-E's pipeline at small scale: a condition (the prompt's text-encoder states, or the
 * framed image's encoder tokens) -> the prior samples a shape latent with classifier-free
 * guidance -> the implicit decoder's distance field -> marching cubes -> simplification ->
 * vertex colours from the decoder's colour field -> the file, and a preview rendered from the mesh.
 */
export async function generateMesh(model: MeshModel, request: MeshRequest, options: MeshOptions = {}): Promise<MeshResult> {
  const t0 = performance.now();
  validateMeshRequest(request, options.limits ?? DEFAULT_MESH_LIMITS);
  const { signal, onProgress } = options;
  const total = request.steps + 2;
  const progress = (step: number, phase: MeshProgress['phase']) => onProgress?.({ step, total, phase, elapsedMs: performance.now() - t0 });
  const timings: MeshTimings = { totalMs: 0, conditionMs: 0, priorMs: 0, surfaceMs: 0, simplifyMs: 0, filesMs: 0, decodedPoints: 0 };

  let t = performance.now();
  let cond: Condition;
  let uncond: Condition;
  let framedView: Uint8Array | undefined;
  if (request.image) {
    const framed = await frameImage(request.image, {
      size: model.config.image_size,
      background: model.config.image_background,
      foregroundRatio: request.foregroundRatio,
      removeBackground: request.removeBackground,
    });
    framedView = framed.rgb;
    cond = await encodeImage(model, framed.pixels);
    uncond = await encodeImage(model, blankPixels(model));
  } else {
    cond = await encodeText(model, request.prompt!);
    uncond = await encodeText(model, request.negativePrompt ?? '');
  }
  timings.conditionMs = performance.now() - t;

  t = performance.now();
  const latent = await sampleLatent(model, cond, uncond, {
    steps: request.steps,
    guidanceScale: request.guidanceScale,
    seed: request.seed,
    signal,
    onStep: (s) => progress(s, 'denoise'),
  });
  timings.priorMs = performance.now() - t;

  t = performance.now();
  const field = new ShapeField(model, latent, request.resolution);
  let mesh = await marchingCubes(field, signal);
  timings.decodedPoints = field.decodedPoints;
  timings.surfaceMs = performance.now() - t;
  if (signal?.aborted) throw new CancelledError();
  if (mesh.indices.length === 0) throw new EmptyMeshError();
  const extractedTriangles = mesh.indices.length / 3;
  progress(request.steps + 1, 'surface');

  t = performance.now();
  if (request.meshSimplify > 0) mesh = (await simplifyMesh(mesh, request.meshSimplify)).mesh;
  timings.simplifyMs = performance.now() - t;

  t = performance.now();
  const { color } = await decodePoints(model, latent, mesh.positions, true);
  mesh = { ...mesh, colors: color };
  const file = await writeMeshFile(mesh, request.outputFormat);
  const preview = await previewPng(mesh);
  const turntable = request.turntable ? turntableGif(mesh) : undefined;
  timings.filesMs = performance.now() - t;
  progress(total, 'files');
  timings.totalMs = performance.now() - t0;
  return {
    file,
    preview,
    turntable,
    mesh,
    vertices: mesh.positions.length / 3,
    triangles: mesh.indices.length / 3,
    extractedTriangles,
    seed: request.seed,
    timings,
    framedView,
  };
}
