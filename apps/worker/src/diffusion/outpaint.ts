import type { DiffusionResult, DirectDiffusionParams } from '@easel/contracts';
import type { GenerateRequest } from '@easel/engine-diffusion';
import sharp from 'sharp';
import { loadInputImage } from '../inputs/input-image';
import { PermanentJobError } from '../service-handler';
import { canvasImages, composite, OUTPAINT_MAX_SIDE, planCanvas } from './outpaint-canvas';

/** What outpaint needs of DiffusionGeneration: the model's native side and one inpainting run on given images. */
export interface OutpaintRunner {
  nativeSide(): Promise<number>;
  inpaint(
    params: DirectDiffusionParams,
    images: Pick<GenerateRequest, 'initImage' | 'maskImage'>,
  ): Promise<{ result: DiffusionResult; images: Buffer[] }>;
}

/**
 * `outpaint`: the image on a larger canvas, the new area and the blend bands inpainted by the model
 * (at most WORKING_SIDE_FACTOR × its native side, the fill resized to the canvas), then the image's
 * own bytes put back everywhere but the bands, which ramp from the image into the fill.
 */
export async function outpaint(
  params: DirectDiffusionParams,
  runner: OutpaintRunner,
  fetchAllowHosts: readonly string[],
): Promise<{ result: DiffusionResult; image: Buffer }> {
  if (!params.initImage) throw new PermanentJobError('The image field is required.', 'image');
  if (!params.outpaint) throw new PermanentJobError('An outpaint job needs its canvas.', 'width');
  const input = await loadInputImage('image', params.initImage, fetchAllowHosts);
  const decoded = await sharp(input)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = decoded.info;
  if (Math.max(w, h) > OUTPAINT_MAX_SIDE)
    throw new PermanentJobError(
      `The image must not be larger than ${OUTPAINT_MAX_SIDE} pixels on a side; it is ${w}×${h}.`,
      'image',
    );
  const plan = planCanvas(
    { width: w, height: h },
    { width: params.width ?? 1280, height: params.height ?? 720 },
    params.outpaint,
    await runner.nativeSide(),
  );
  const rgb =
    plan.scale < 1
      ? await sharp(decoded.data, { raw: { width: w, height: h, channels: 3 } })
          .resize(plan.imageWidth, plan.imageHeight, { fit: 'fill' })
          .raw()
          .toBuffer()
      : decoded.data;
  const images = await canvasImages(rgb, plan);
  const inner = {
    ...params,
    kind: 'inpaint' as const,
    width: plan.working.width,
    height: plan.working.height,
    samples: 1,
    strength: 1,
  };
  const { result, images: fills } = await runner.inpaint(inner, images);
  const started = performance.now();
  // A flagged fill was replaced by the checker: deliver the replacement at the canvas's size, not the image.
  const pixels = result.nsfwContentDetected
    ? await sharp(fills[0]!).removeAlpha().resize(plan.width, plan.height, { fit: 'fill' }).raw().toBuffer()
    : await composite(rgb, fills[0]!, plan);
  const image = await sharp(pixels, { raw: { width: plan.width, height: plan.height, channels: 3 } })
    .png()
    .toBuffer();
  const compositeSeconds = (performance.now() - started) / 1000;
  return {
    image,
    result: {
      ...result,
      width: plan.width,
      height: plan.height,
      generatedWidth: plan.working.width,
      generatedHeight: plan.working.height,
      format: 'png',
      timings: { ...result.timings, outpaint_composite: Math.round(compositeSeconds * 1000) / 1000 },
      featureMeta: {
        ...result.featureMeta,
        image_x: plan.x,
        image_y: plan.y,
        image_W: plan.imageWidth,
        image_H: plan.imageHeight,
        image_scale: Math.round(plan.scale * 10000) / 10000,
      },
    },
  };
}
