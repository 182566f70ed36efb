import { extname, join } from 'node:path';
import { asBuffer, EngineThread } from '@easel/engine-thread';
import type { RemoveBackgroundRequest, RemovedBackground } from './local-matting';
import type { RemoveBackgroundEngine } from './imgly-engine';
import type { RemoveBackgroundCall, RemoveObjectCall } from './matting-thread';
import type { RemovedObject, RemoveObjectRequest } from './object-removal';

/**
 * Background removal and object removal on an engine thread of its own: GrabCut's WASM and the mask loops are
 * synchronous (a second or more on a large image) and would otherwise hold an embedded gateway's
 * event loop. Same pixels as LocalMatting, which it runs.
 */
export class Matting {
  private readonly thread: EngineThread;

  /** `engine`: GrabCut (Apache-2.0, the default) or IMG.LY's model (AGPL-3.0, opt-in: removeBackgroundEngineProblem first). */
  constructor(readonly engine: RemoveBackgroundEngine = 'grabcut') {
    this.thread = new EngineThread({
      module: join(__dirname, `matting-thread${extname(__filename)}`),
      init: { engine },
    });
  }

  async removeBackground(bytes: Buffer, request: RemoveBackgroundRequest): Promise<RemovedBackground> {
    const call: RemoveBackgroundCall = { bytes, request };
    const out = await this.thread.call<RemovedBackground & { image: Uint8Array }>('removeBackground', call);
    return { ...out, image: asBuffer(out.image) };
  }

  /** Object removal: the mask (or the named colour's pixels) grown, then filled by Telea inpainting. */
  async removeObject(bytes: Buffer, request: RemoveObjectRequest): Promise<RemovedObject> {
    const call: RemoveObjectCall = { bytes, request };
    const out = await this.thread.call<RemovedObject & { image: Uint8Array }>('removeObject', call);
    return { ...out, image: asBuffer(out.image) };
  }

  dispose(): void {
    void this.thread.close();
  }
}
