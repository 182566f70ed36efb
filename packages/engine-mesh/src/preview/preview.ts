import sharp from 'sharp';
import { encodeGif } from '@easel/engine-video';
import type { TriangleMesh } from '../mesh/triangle-mesh';
import { PREVIEW_CAMERA } from './camera';
import { renderMesh } from './rasterize';

const BACKGROUND = 0.5;

/** A PNG of the mesh from the preview camera, drawn at twice the size and scaled down (anti-aliasing). */
export async function previewPng(mesh: TriangleMesh, size = 256): Promise<Buffer> {
  const rgb = renderMesh(mesh, { size: size * 2, camera: PREVIEW_CAMERA, background: BACKGROUND });
  return sharp(Buffer.from(rgb), { raw: { width: size * 2, height: size * 2, channels: 3 } })
    .resize(size, size, { kernel: 'linear' })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** A turntable GIF: the camera circles the object once (frames evenly spaced in azimuth). */
export function turntableGif(mesh: TriangleMesh, size = 160, frames = 24, fps = 12): Buffer {
  const shots = Array.from({ length: frames }, (_, f) =>
    renderMesh(mesh, { size, camera: { ...PREVIEW_CAMERA, azimuthDeg: PREVIEW_CAMERA.azimuthDeg + (360 * f) / frames }, background: BACKGROUND }),
  );
  return encodeGif(shots, size, size, fps);
}
