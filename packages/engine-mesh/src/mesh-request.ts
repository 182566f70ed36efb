import { InvalidRequestError } from '@easel/engine-diffusion';
import { MESH_FORMATS, type MeshFormat } from './writers/mesh-file';

/** One mesh to generate: text_to_3d gives `prompt`, image_to_3d gives `image` (any picture sharp reads). */
export interface MeshRequest {
  prompt?: string;
  negativePrompt?: string;
  image?: Buffer;
  seed: number;
  steps: number;
  guidanceScale: number;
  /** Marching cubes' grid: cells per side of the model's bounds. */
  resolution: number;
  outputFormat: MeshFormat;
  /** The share of triangles removed after extraction (0: none; the API's 0.90-0.98). */
  meshSimplify: number;
  /** image_to_3d: cut the object from its background before framing it. */
  removeBackground: boolean;
  /** image_to_3d: the object's longer side as a share of the framed view. */
  foregroundRatio: number;
  /** Also render a turntable GIF. */
  turntable: boolean;
}

export interface MeshLimits {
  minResolution: number;
  maxResolution: number;
  maxSteps: number;
  maxGuidance: number;
}

export const DEFAULT_MESH_LIMITS: MeshLimits = { minResolution: 16, maxResolution: 512, maxSteps: 100, maxGuidance: 30 };

const invalid = (field: string, message: string): never => {
  throw new InvalidRequestError('invalid_parameter', field, message);
};

/** The engine's own checks (the gateway checks first, in the API's words). */
export function validateMeshRequest(r: MeshRequest, limits: MeshLimits = DEFAULT_MESH_LIMITS): void {
  if (r.image === undefined && !(r.prompt && r.prompt.trim())) invalid('prompt', 'prompt is required (or an image, for image_to_3d).');
  if (!Number.isInteger(r.resolution) || r.resolution < limits.minResolution || r.resolution > limits.maxResolution)
    invalid('resolution', `resolution must be an integer from ${limits.minResolution} to ${limits.maxResolution}.`);
  if (!Number.isInteger(r.steps) || r.steps < 1 || r.steps > limits.maxSteps) invalid('num_inference_steps', `num_inference_steps must be an integer from 1 to ${limits.maxSteps}.`);
  if (!(r.guidanceScale >= 0 && r.guidanceScale <= limits.maxGuidance)) invalid('guidance_scale', `guidance_scale must be from 0 to ${limits.maxGuidance}.`);
  if (!MESH_FORMATS.includes(r.outputFormat)) invalid('output_format', `output_format must be one of ${MESH_FORMATS.join(', ')}.`);
  if (!(r.meshSimplify === 0 || (r.meshSimplify > 0 && r.meshSimplify < 1))) invalid('mesh_simplify', 'mesh_simplify must be 0 (none) or a share of triangles to remove below 1.');
  if (!(r.foregroundRatio >= 0.5 && r.foregroundRatio <= 1)) invalid('foreground_ratio', 'foreground_ratio must be from 0.5 to 1.');
}
