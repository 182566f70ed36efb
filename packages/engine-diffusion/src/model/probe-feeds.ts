import * as ort from 'onnxruntime-node';
import { TensorProto_DataType, type ValueInfoProto } from '../gen/onnx/onnx_pb';
import type { ModelProto } from '../onnx/model-proto';

/** A latent side that every down-sampling level divides (a multiple of 8), and its image side. */
const PROBE_LATENT = 16;
const PROBE_IMAGE = PROBE_LATENT * 8;
const PROBE_TOKENS = 77;
const PROBE_FRAMES = 2;

/** Sizes for the dimensions exporters name (diffusers' and ours): one value per name, so inputs that share a name agree. */
function namedSize(name: string): number | undefined {
  const n = name.toLowerCase();
  if (n.includes('image')) return PROBE_IMAGE;
  if (/(^|_)(height|width|h|w)$/.test(n)) return PROBE_LATENT;
  if (n.includes('sequence')) return PROBE_TOKENS;
  if (n === 'frames' || n === 'num_frames') return PROBE_FRAMES;
  return undefined;
}

/** Sizes for unnamed open dimensions of the inputs a diffusion graph takes, by input and axis. */
function positionalSize(input: string, rank: number, axis: number): number | undefined {
  if (input === 'sample' && axis >= rank - 2) return PROBE_LATENT;
  if (input === 'sample' && rank === 5 && axis === 2) return PROBE_FRAMES;
  if (input === 'controlnet_cond' && axis >= 2) return PROBE_IMAGE;
  if (input === 'encoder_hidden_states' && axis === 1) return PROBE_TOKENS;
  return undefined;
}

/**
 * Small feeds a diffusion graph (a UNet, a ControlNet, a video UNet) can run once on, built from its
 * declared inputs: batch 1, a 16×16 latent (its 128×128 image for `controlnet_cond`), 77 text tokens,
 * 2 frames, ControlNet residuals as the [1, C, 1, 1] zeros the pipeline gives without a ControlNet;
 * any other open dimension is 1. Values are small and deterministic (integers 1: a token id and a
 * timestep every graph accepts) — a probe reads shapes and constants, not the picture.
 */
export function probeFeeds(model: ModelProto): Record<string, ort.Tensor> {
  const initializers = new Set(model.graph?.initializer.map((t) => t.name));
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of model.graph?.input ?? []) {
    if (initializers.has(input.name)) continue;
    feeds[input.name] = probeTensor(input);
  }
  return feeds;
}

function probeTensor(input: ValueInfoProto): ort.Tensor {
  const type = input.type?.value;
  if (type?.case !== 'tensorType') throw new Error(`the input "${input.name}" is not a tensor`);
  const dimensions = type.value.shape?.dim ?? [];
  const residual = /_additional_residual/.test(input.name);
  const dims = dimensions.map((d, axis) => {
    const fixed = d.value.case === 'dimValue' ? Number(d.value.value) : undefined;
    if (residual) return axis === 1 ? (fixed ?? 1) : 1;
    if (fixed !== undefined) return fixed;
    const named = d.value.case === 'dimParam' ? namedSize(d.value.value) : undefined;
    return named ?? positionalSize(input.name, dimensions.length, axis) ?? 1;
  });
  const count = dims.reduce((a, b) => a * b, 1);
  switch (type.value.elemType) {
    case TensorProto_DataType.FLOAT:
      return new ort.Tensor('float32', Float32Array.from({ length: count }, (_, i) => (residual ? 0 : Math.sin(i) * 0.5)), dims);
    case TensorProto_DataType.INT64:
      return new ort.Tensor('int64', new BigInt64Array(count).fill(1n), dims);
    case TensorProto_DataType.INT32:
      return new ort.Tensor('int32', new Int32Array(count).fill(1), dims);
    default:
      throw new Error(`the input "${input.name}" has an element type a probe does not feed (${type.value.elemType})`);
  }
}
