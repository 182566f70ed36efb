// The engine thread of `Matting`: OpenCV.js compiled once per thread, GrabCut run here.
import { asBuffer, serveEngine } from '@easel/engine-thread';
import { LocalMatting, type RemoveBackgroundRequest } from './local-matting';

export interface RemoveBackgroundCall {
  bytes: Uint8Array;
  request: RemoveBackgroundRequest;
}

const matting = new LocalMatting();

serveEngine({
  removeBackground: ({ bytes, request }: RemoveBackgroundCall) =>
    matting.removeBackground(asBuffer(bytes), request),
});
