import type { MeshParams, MeshResult } from '@easel/contracts';
import { isUrl } from '../common/meta-values';
import { storedRequest } from '../jobs/job-message';
import type { JobWithArtifacts } from '../jobs/job-responses';

/** `meta` of a finished 3D job: the options as the public API echoes them (the seed drawn, the model resolved), then what the engine made. */
export function meshMeta(job: JobWithArtifacts): Record<string, unknown> {
  const p = storedRequest(job).params as unknown as MeshParams & { echoed?: Record<string, number> };
  const r = job.result as unknown as MeshResult;
  const image = p.kind === 'image_to_3d';
  return {
    prompt: p.prompt,
    negative_prompt: p.negativePrompt,
    ...(image ? { image: isUrl(p.image) ? p.image : null, remove_bg: p.removeBg, foreground_ratio: p.foregroundRatio, multi_image: false } : {}),
    model_id: r.modelId,
    resolution: p.resolution,
    output_format: r.outputFormat,
    render: p.render,
    guidance_scale: p.guidanceScale,
    num_inference_steps: p.steps,
    mesh_simplify: p.meshSimplify,
    seed: r.seed,
    temp: p.temp ? 'yes' : 'no',
    ...(p.echoed ?? {}),
    vertices: r.vertices,
    triangles: r.triangles,
    generation_time: r.generationTime,
    timings: r.timings,
  };
}
