import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TensorProto_DataType } from '../gen/onnx/onnx_pb';
import { parseModel } from '../onnx/model-proto';
import { probeValues } from '../onnx/probe-values';
import { fuseAttention } from './fuse-attention';
import { fuseLayerNorm } from './fuse-layer-norm';
import { probeFeeds } from './probe-feeds';
import type { SessionOptions } from './session';

/** What loading made of a graph before its session: the attention blocks and layer norms fused, or why none were. */
export interface PreparationReport {
  fusedAttention: number;
  fusedLayerNorm: number;
  /** why the graph runs as given (the probe could not run it, the file did not parse); the load goes on */
  error?: string;
}

export interface GraphPreparation<S extends string | Uint8Array = string | Uint8Array> {
  /** the graph the session runs: the source as given, or the fused bytes */
  source: S | Uint8Array;
  report: PreparationReport;
}

/**
 * A diffusion graph (a UNet, a ControlNet) with its attention fused into MultiHeadAttention
 * (fuseAttention) and its written-out layer norms into LayerNormalization (fuseLayerNorm), in memory:
 * the user's files are never written. With `fuseAttention: false` the graph runs as given; so it does
 * on any failure, with the reason kept, since the fusions only save time. The attention probe runs
 * the graph with its layer norms fused, so a norm the kernel could not run fails here, not in a job.
 * `path` is the graph's file (its folder holds any external weights); `source` is that file or bytes
 * made from it (the file read, adapters merged in).
 */
export async function prepareGraph<S extends string | Uint8Array>(
  path: string,
  source: S,
  options: Pick<SessionOptions, 'fuseAttention'> = {},
): Promise<GraphPreparation<S>> {
  const untouched = { fusedAttention: 0, fusedLayerNorm: 0 };
  if (options.fuseAttention === false) return { source, report: untouched };
  try {
    const given: string | Uint8Array = source;
    const bytes = typeof given === 'string' ? await readFile(given) : given;
    const norms = fuseLayerNorm(parseModel(bytes, path));
    const external = { extra: { session: { model_external_initializers_file_folder_path: dirname(path) } } };
    const feeds = probeFeeds(norms.model);
    const fused = await fuseAttention(norms.model, feeds, external);
    // fuseAttention runs the graph only when it finds attention; fused norms are run here otherwise
    if (norms.fused > 0 && fused.fused === 0) await probeValues(norms.model, feeds, [norms.model.graph!.output[0]!.name], TensorProto_DataType.FLOAT, external);
    const report = { fusedAttention: fused.fused, fusedLayerNorm: norms.fused };
    return fused.fused + norms.fused > 0 ? { source: fused.bytes, report } : { source, report };
  } catch (err) {
    return { source, report: { ...untouched, error: (err as Error).message } };
  }
}
