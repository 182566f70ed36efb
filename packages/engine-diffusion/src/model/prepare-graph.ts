import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseModel } from '../onnx/model-proto';
import { fuseAttention } from './fuse-attention';
import { probeFeeds } from './probe-feeds';
import type { SessionOptions } from './session';

/** What loading made of a graph before its session: the attention blocks fused, or why none were. */
export interface PreparationReport {
  fusedAttention: number;
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
 * (fuseAttention), in memory: the user's files are never written. With `fuseAttention: false` the
 * graph runs as given; so it does on any failure, with the reason kept, since the fusion only saves
 * time. `path` is the graph's file (its folder holds any external weights); `source` is that file or
 * bytes made from it (the file read, adapters merged in).
 */
export async function prepareGraph<S extends string | Uint8Array>(
  path: string,
  source: S,
  options: Pick<SessionOptions, 'fuseAttention'> = {},
): Promise<GraphPreparation<S>> {
  if (options.fuseAttention === false) return { source, report: { fusedAttention: 0 } };
  try {
    const given: string | Uint8Array = source;
    const bytes = typeof given === 'string' ? await readFile(given) : given;
    const model = parseModel(bytes, path);
    const external = { extra: { session: { model_external_initializers_file_folder_path: dirname(path) } } };
    const fused = await fuseAttention(model, probeFeeds(model), external);
    return fused.fused > 0 ? { source: fused.bytes, report: { fusedAttention: fused.fused } } : { source, report: { fusedAttention: 0 } };
  } catch (err) {
    return { source, report: { fusedAttention: 0, error: (err as Error).message } };
  }
}
