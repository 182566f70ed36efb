/**
 * `mesh` (v6 text_to_3d and image_to_3d): a service of its own (stream, pool,
 * proto/easel/mesh/v1) whose meshes come from a latent prior and an implicit SDF + colour decoder.
 */
export const MESH_SERVICE = 'mesh';
export const TEXT_TO_3D_KIND = 'text_to_3d';
export const IMAGE_TO_3D_KIND = 'image_to_3d';
export const MESH_KINDS = [TEXT_TO_3D_KIND, IMAGE_TO_3D_KIND] as const;
export type MeshKind = (typeof MESH_KINDS)[number];
/** The model category of 3D models. */
export const MESH_CATEGORY = '3d';
export const MESH_OUTPUT_FORMATS = ['glb', 'obj', 'ply', 'stl'] as const;
export type MeshOutputFormat = (typeof MESH_OUTPUT_FORMATS)[number];

/** The API's limits (../shared/API.md "3D (v6)"). */
export const MESH_LIMITS = {
  resolution: { min: 32, max: 512, default: 256 },
  steps: { min: 1, max: 100, default: 32 },
  guidanceScale: { min: 0, max: 30, default: 2 },
  /** The share of triangles removed; 0 keeps the extracted mesh whole. */
  meshSimplify: { min: 0, max: 0.99, default: 0.95 },
  foregroundRatio: { min: 0.5, max: 1, default: 0.85 },
} as const;

/** Credits per mesh up to resolution 256; a finer grid costs its surface's share more. */
export const MESH_CREDITS_PER_MESH = 0.1;

export interface MeshParams {
  kind: MeshKind;
  prompt: string;
  negativePrompt: string;
  modelId: string | null;
  /** image_to_3d: an http(s) URL or base64, as the client sent it; the worker fetches/decodes. */
  image: string | null;
  seed: number;
  steps: number;
  guidanceScale: number;
  resolution: number;
  outputFormat: MeshOutputFormat;
  meshSimplify: number;
  removeBg: boolean;
  foregroundRatio: number;
  /** A turntable GIF besides the preview PNG. */
  render: boolean;
  base64: boolean;
  temp: boolean;
}

export interface MeshResult {
  modelId: string;
  seed: number;
  outputFormat: MeshOutputFormat;
  vertices: number;
  triangles: number;
  generationTime: number;
  timings: Record<string, number>;
}
