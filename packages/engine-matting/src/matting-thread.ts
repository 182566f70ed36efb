// The engine thread of `Matting`: OpenCV.js compiled once per thread, GrabCut and Telea run here.
import { workerData } from 'node:worker_threads';
import { asBuffer, serveEngine } from '@easel/engine-thread';
import { imglyRemoveBackground, type RemoveBackgroundEngine } from './imgly-engine';
import { LocalMatting, type RemoveBackgroundRequest } from './local-matting';
import { removeObject, type RemoveObjectRequest } from './object-removal';

export interface RemoveObjectCall {
  bytes: Uint8Array;
  request: RemoveObjectRequest;
}

export interface RemoveBackgroundCall {
  bytes: Uint8Array;
  request: RemoveBackgroundRequest;
}

const matting = new LocalMatting();
const engine =
  (workerData as { init?: { engine?: RemoveBackgroundEngine } } | null)?.init?.engine ?? 'grabcut';

serveEngine({
  removeBackground: ({ bytes, request }: RemoveBackgroundCall) =>
    engine === 'imgly'
      ? imglyRemoveBackground(asBuffer(bytes), request)
      : matting.removeBackground(asBuffer(bytes), request),
  removeObject: ({ bytes, request }: RemoveObjectCall) =>
    removeObject(asBuffer(bytes), { ...request, mask: request.mask ? asBuffer(request.mask) : null }),
});
