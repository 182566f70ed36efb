import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { cutout } from './cutout';
import type { RemoveBackgroundRequest, RemovedBackground } from './local-matting';

/**
 * The opt-in background-removal engine (`EASEL_REMOVEBG_ENGINE=imgly`): IMG.LY's ISNet model from
 * `@imgly/background-removal-node`. It is AGPL-3.0, so Easel does not install it (see the README's
 * "Background removal engines"): an operator who opts in installs it, and takes on AGPL's terms.
 */
export const IMGLY_PACKAGE = '@imgly/background-removal-node';
export type RemoveBackgroundEngine = 'grabcut' | 'imgly';

interface ImglyModule {
  removeBackground(image: Blob, config?: Record<string, unknown>): Promise<Blob>;
}

/** Null when the engine can run here, else the one line that says why not (start-up stops with it). */
export function removeBackgroundEngineProblem(engine: RemoveBackgroundEngine): string | null {
  if (engine !== 'imgly') return null;
  try {
    require.resolve(IMGLY_PACKAGE);
    return null;
  } catch {
    return `EASEL_REMOVEBG_ENGINE=imgly needs ${IMGLY_PACKAGE}, which is not installed (it is AGPL-3.0 and opt-in: node scripts/pnpm.mjs --filter @easel/engine-matting add ${IMGLY_PACKAGE}@1.4.5, see the README's "Background removal engines"), or unset it for the default GrabCut engine`;
  }
}

/** rembg's cut with IMG.LY's model: its alpha is the mask; only_mask and inverse_mask as the GrabCut engine does them. */
export async function imglyRemoveBackground(
  bytes: Buffer,
  request: RemoveBackgroundRequest,
): Promise<RemovedBackground> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const imgly = require(IMGLY_PACKAGE) as ImglyModule;
  const png = await sharp(bytes).removeAlpha().png().toBuffer();
  // Its model files lie beside its code; by default it looks under the process's working directory.
  const publicPath = `${pathToFileURL(dirname(require.resolve(IMGLY_PACKAGE))).href}/`;
  const blob = await imgly.removeBackground(new Blob([png], { type: 'image/png' }), { publicPath });
  const cut = Buffer.from(await blob.arrayBuffer());
  const rgb = await sharp(bytes)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = rgb.info;
  const alpha = await sharp(cut)
    .ensureAlpha()
    .resize(width, height, { fit: 'fill' })
    .extractChannel(3)
    .raw()
    .toBuffer();
  return cutout(rgb.data, alpha, width, height, request);
}
