import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseModel } from '../onnx/model-proto';
import { fuseAttention } from './fuse-attention';
import { unetProbeFeeds } from './unet-probe-feeds';

/** What loading made of a UNet graph before its session: the attention blocks fused, or why none were. */
export interface UnetPreparation {
  /** the graph the session runs: the file, the adapted bytes it was given, or the fused bytes */
  source: string | Uint8Array;
  fusedAttention: number;
  /** why the graph runs as given (the probe could not run it, the file did not parse); the load goes on */
  error?: string;
}

/**
 * The UNet with its attention fused into MultiHeadAttention (fuseAttention), in memory: the user's
 * files are never written. On any failure the graph runs as given and the reason is kept, since the
 * fusion only saves time. `path` is the graph's file (its folder holds any external weights);
 * `source` is that file or the bytes adapters were merged into.
 */
export async function prepareUnet(path: string, source: string | Uint8Array): Promise<UnetPreparation> {
  try {
    const bytes = typeof source === 'string' ? await readFile(source) : source;
    const model = parseModel(bytes, path);
    const external = { extra: { session: { model_external_initializers_file_folder_path: dirname(path) } } };
    const fused = await fuseAttention(model, unetProbeFeeds(model), external);
    return fused.fused > 0 ? { source: fused.bytes, fusedAttention: fused.fused } : { source, fusedAttention: 0 };
  } catch (err) {
    return { source, fusedAttention: 0, error: (err as Error).message };
  }
}
