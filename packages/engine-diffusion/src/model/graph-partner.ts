import { extname, join } from 'node:path';
import { EngineThread } from '@easel/engine-thread';
import type * as ort from 'onnxruntime-node';
import { DiffusionError, ModelFileError } from '../errors';
import type { OpenCall } from './graph-partner-thread';
import { fromPlainFeeds, toPlainFeeds, type PlainFeeds } from './row-split';

/**
 * A second session of a graph on a thread of its own, with its share of the cores. Small UNet
 * calls use two cores badly (the second idles on tiny kernels); two one-thread sessions each
 * running half of the batch — CFG's unconditional and conditional rows — measured 1.3–1.45×
 * faster on easel-tiny (bench/pipeline/flops.mjs). It costs a second copy of the graph's weights.
 */
export class GraphPartner {
  private readonly thread = new EngineThread({
    module: join(__dirname, `graph-partner-thread${extname(__filename)}`),
    errors: [DiffusionError, ModelFileError],
  });

  static async open(call: OpenCall): Promise<GraphPartner> {
    const partner = new GraphPartner();
    try {
      await partner.thread.call('open', call);
    } catch (err) {
      await partner.close();
      throw err;
    }
    return partner;
  }

  /** Starts the run on the partner's thread; the promise settles when its half is back. */
  run(feeds: Record<string, ort.Tensor>, outputs?: readonly string[]): Promise<Record<string, ort.Tensor>> {
    return this.thread.call<PlainFeeds>('run', { feeds: toPlainFeeds(feeds), outputs }).then(fromPlainFeeds);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
