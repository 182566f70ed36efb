import * as ort from 'onnxruntime-node';
import { TensorProto_DataType, type ValueInfoProto } from '../gen/onnx/onnx_pb';
import type { ModelProto } from '../onnx/model-proto';

/** The latent side of a probe: small, and a multiple of 8 so every down-sampling level divides it. */
const PROBE_LATENT = 16;
const PROBE_TOKENS = 77;

/**
 * Small feeds a UNet graph can run once on, built from its declared inputs: batch 1, a 16×16 latent,
 * 77 text tokens, ControlNet residuals as the [1, C, 1, 1] zeros the pipeline gives without a
 * ControlNet; any other dimension the graph leaves open is 1. Values are small and deterministic —
 * a probe reads shapes and constants, not the picture.
 */
export function unetProbeFeeds(model: ModelProto): Record<string, ort.Tensor> {
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
  if (type?.case !== 'tensorType') throw new Error(`the UNet input "${input.name}" is not a tensor`);
  const declared = (type.value.shape?.dim ?? []).map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : undefined));
  const residual = /_additional_residual/.test(input.name);
  const dims = declared.map((size, axis) => {
    if (residual) return axis === 1 ? (size ?? 1) : 1;
    if (size !== undefined) return size;
    if (input.name === 'sample' && axis >= 2) return PROBE_LATENT;
    if (input.name === 'encoder_hidden_states' && axis === 1) return PROBE_TOKENS;
    return 1;
  });
  const count = dims.reduce((a, b) => a * b, 1);
  switch (type.value.elemType) {
    case TensorProto_DataType.FLOAT:
      return new ort.Tensor('float32', Float32Array.from({ length: count }, (_, i) => (residual ? 0 : Math.sin(i) * 0.5)), dims);
    case TensorProto_DataType.INT64:
      return new ort.Tensor('int64', new BigInt64Array(count).fill(500n), dims);
    case TensorProto_DataType.INT32:
      return new ort.Tensor('int32', new Int32Array(count).fill(500), dims);
    default:
      throw new Error(`the UNet input "${input.name}" has an element type a probe does not feed (${type.value.elemType})`);
  }
}
