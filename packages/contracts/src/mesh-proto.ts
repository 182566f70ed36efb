import { create } from '@bufbuild/protobuf';
import { GenerateRequestSchema, type GenerateRequest } from './gen/easel/mesh/v1/mesh_pb';
import { MalformedMessageError } from './malformed-message';
import { MESH_KINDS, MESH_LIMITS, MESH_OUTPUT_FORMATS, MESH_SERVICE, type MeshKind, type MeshOutputFormat, type MeshParams } from './mesh';
import { defineServiceContract, type JobIdentity } from './service-contract';

export function toMeshRequest(p: MeshParams, identity?: Pick<JobIdentity, 'tenantId'>): GenerateRequest {
  return create(GenerateRequestSchema, {
    kind: p.kind,
    prompt: p.prompt,
    negativePrompt: p.negativePrompt,
    modelId: p.modelId ?? undefined,
    image: p.image ?? undefined,
    seed: BigInt(p.seed),
    numInferenceSteps: p.steps,
    guidanceScale: p.guidanceScale,
    resolution: p.resolution,
    outputFormat: p.outputFormat,
    meshSimplify: p.meshSimplify,
    removeBg: p.removeBg,
    foregroundRatio: p.foregroundRatio,
    render: p.render,
    base64: p.base64,
    temp: p.temp,
    tenantId: identity?.tenantId ?? '',
  });
}

function within(value: number, range: { min: number; max: number }, name: string): number {
  if (!Number.isFinite(value) || value < range.min || value > range.max)
    throw new MalformedMessageError(`mesh request has ${name} ${value} (${range.min}-${range.max})`);
  return value;
}

/** Throws MalformedMessageError for a request no model should run. */
export function fromMeshRequest(m: GenerateRequest): MeshParams {
  if (!(MESH_KINDS as readonly string[]).includes(m.kind)) throw new MalformedMessageError(`mesh request has kind "${m.kind}"`);
  if (!(MESH_OUTPUT_FORMATS as readonly string[]).includes(m.outputFormat)) throw new MalformedMessageError(`mesh request has output_format "${m.outputFormat}"`);
  if (m.kind === 'image_to_3d' && !m.image) throw new MalformedMessageError('image_to_3d request has no image');
  if (m.kind === 'text_to_3d' && !m.prompt.trim()) throw new MalformedMessageError('text_to_3d request has no prompt');
  return {
    kind: m.kind as MeshKind,
    prompt: m.prompt,
    negativePrompt: m.negativePrompt,
    modelId: m.modelId ?? null,
    image: m.image ?? null,
    seed: Number(m.seed),
    steps: within(m.numInferenceSteps, MESH_LIMITS.steps, 'num_inference_steps'),
    guidanceScale: within(m.guidanceScale, MESH_LIMITS.guidanceScale, 'guidance_scale'),
    resolution: within(m.resolution, MESH_LIMITS.resolution, 'resolution'),
    outputFormat: m.outputFormat as MeshOutputFormat,
    meshSimplify: within(m.meshSimplify, MESH_LIMITS.meshSimplify, 'mesh_simplify'),
    removeBg: m.removeBg,
    foregroundRatio: within(m.foregroundRatio, MESH_LIMITS.foregroundRatio, 'foreground_ratio'),
    render: m.render,
    base64: m.base64,
    temp: m.temp,
  };
}

/** The mesh service on the bus. */
export const MESH_CONTRACT = defineServiceContract({
  name: MESH_SERVICE,
  kinds: MESH_KINDS,
  requestCase: 'mesh',
  protoFile: 'easel/mesh/v1/mesh.proto',
  toRequest: toMeshRequest,
  fromRequest: fromMeshRequest,
});
