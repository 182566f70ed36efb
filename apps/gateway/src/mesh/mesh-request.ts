/**
 * The body of a 3D request → the mesh's params (the model resolved later by the definition), or
 * every bad field as a Laravel-style error. Pure, like the other parsers.
 */
import { IMAGE_TO_3D_KIND, TEXT_TO_3D_KIND, type MeshKind, type MeshParams } from '@easel/contracts';
import type { Parsed } from '../common/request/field-reader';
import { messages } from '../common/request/messages';
import { MESH_REQUEST } from './mesh-fields';

export interface MeshRequest extends Omit<MeshParams, 'seed'> {
  /** null: drawn by the definition (and reported in meta). */
  seed: number | null;
  /** Accepted and echoed: the public model's fields the bundled model has no use for. */
  echoed: Record<string, number>;
  instantResponse: boolean;
  webhook: string | null;
  trackId: string | number | null;
}

export function parseMeshRequest(kind: MeshKind, body: Record<string, unknown>): Parsed<MeshRequest> {
  const { values: v, fields } = MESH_REQUEST.read(body, kind);
  if (kind === TEXT_TO_3D_KIND && !v.prompt && !fields.hasErrors('prompt')) fields.fail('prompt', messages.required('prompt'));
  if (v.mesh_simplify > 0 && v.mesh_simplify < 0.5 && !fields.hasErrors('mesh_simplify'))
    fields.fail('mesh_simplify', 'The mesh simplify must be 0 (keep every triangle) or from 0.5 to 0.99 (the share of triangles removed).');
  if (fields.hasErrors()) return { ok: false, errors: fields.errors };
  return {
    ok: true,
    value: {
      kind,
      prompt: v.prompt ?? '',
      negativePrompt: v.negative_prompt ?? '',
      modelId: v.model_id,
      image: kind === IMAGE_TO_3D_KIND ? v.image : null,
      seed: v.seed,
      steps: v.num_inference_steps,
      guidanceScale: v.guidance_scale,
      resolution: v.resolution,
      outputFormat: v.output_format,
      meshSimplify: v.mesh_simplify,
      removeBg: v.remove_bg,
      foregroundRatio: v.foreground_ratio,
      render: v.render,
      base64: v.base64,
      temp: v.temp,
      echoed: {
        chunk_size: v.chunk_size,
        ss_guidance_strength: v.ss_guidance_strength,
        ss_sampling_steps: v.ss_sampling_steps,
        slat_guidance_strength: v.slat_guidance_strength,
        slat_sampling_steps: v.slat_sampling_steps,
      },
      instantResponse: v.instant_response,
      webhook: v.webhook,
      trackId: v.track_id,
    },
  };
}
