import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseModel } from '../onnx/model-proto';
import { fuseAttention } from './fuse-attention';
import { probeFeeds } from './probe-feeds';

/** What loading made of a graph before its session: the attention blocks fused, or why none were. */
export interface GraphPreparation {
  /** the graph the session runs: the file, the adapted bytes it was given, or the fused bytes */
  source: string | Uint8Array;
  fusedAttention: number;
  /** why the graph runs as given (the probe could not run it, the file did not parse); the load goes on */
  error?: string;
}

/**
 * A diffusion graph (a UNet, a ControlNet, a video UNet) with its attention fused into
 * MultiHeadAttention (fuseAttention), in memory: the user's files are never written. On any failure
 * the graph runs as given and the reason is kept, since the fusion only saves time. `path` is the
 * graph's file (its folder holds any external weights); `source` is that file or bytes made from it
 * (adapters merged in).
 */
export async function prepareGraph(path: string, source: string | Uint8Array): Promise<GraphPreparation> {
  try {
    const bytes = typeof source === 'string' ? await readFile(source) : source;
    const model = parseModel(bytes, path);
    const external = { extra: { session: { model_external_initializers_file_folder_path: dirname(path) } } };
    const fused = await fuseAttention(model, probeFeeds(model), external);
    return fused.fused > 0 ? { source: fused.bytes, fusedAttention: fused.fused } : { source, fusedAttention: 0 };
  } catch (err) {
    return { source, fusedAttention: 0, error: (err as Error).message };
  }
}
