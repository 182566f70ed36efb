import { extname, join } from 'node:path';
import { EngineThread } from '@easel/engine-thread';
import type { NsfwClassification } from './local-classifier';

export { UNSAFE_CLASSES, DEFAULT_NSFW_THRESHOLD } from './local-classifier';
export type { NsfwClassification } from './local-classifier';

/**
 * nsfwjs's pretrained classifier on an engine thread of its own, so that its synchronous WASM
 * inference (~0.2 s an image, ~1 s with the model's first load) never blocks the process's event loop.
 */
export class NsfwClassifier {
  private readonly thread = new EngineThread({
    module: join(__dirname, `classifier-thread${extname(__filename)}`),
  });

  /** Any image sharp reads → class probabilities and the `nsfw` score. */
  classify(image: Buffer): Promise<NsfwClassification> {
    return this.thread.call<NsfwClassification>('classify', image);
  }

  /** Frees the model (ends the engine thread). */
  dispose(): Promise<void> {
    return this.thread.close();
  }
}
