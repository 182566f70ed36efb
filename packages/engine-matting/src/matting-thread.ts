// The engine thread of `Matting`: OpenCV.js compiled once per thread, GrabCut and Telea run here.
import { asBuffer, serveEngine } from '@easel/engine-thread';
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

serveEngine({
  removeBackground: ({ bytes, request }: RemoveBackgroundCall) =>
    matting.removeBackground(asBuffer(bytes), request),
  removeObject: ({ bytes, request }: RemoveObjectCall) =>
    removeObject(asBuffer(bytes), { ...request, mask: request.mask ? asBuffer(request.mask) : null }),
});
