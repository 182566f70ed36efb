import type { SafetyReplacement } from '@easel/contracts';
import { replaceImage, type SafetyChecker } from '@easel/engine-safety';
import type { ImageFormat, Upscaler } from '@easel/engine-upscale';
import { withSpan } from '@easel/telemetry';

export interface PostProcessors {
  upscaler: Upscaler;
  safety: SafetyChecker;
}

export interface PostProcessRequest {
  /** null → no upscaling. */
  upscale: 2 | 3 | 4 | null;
  safetyChecker: boolean;
  safetyCheckerType: SafetyReplacement;
  format: ImageFormat;
  /** Checked with the outputs: when it is flagged, every output is replaced. */
  initImage?: Buffer;
  /** Called after every tile and every classified image: the job's heartbeat while it runs. */
  heartbeat?: () => void;
}

export interface PostProcessed {
  images: Buffer[];
  width: number;
  height: number;
  nsfwContentDetected: boolean;
  nsfwScores?: number[];
  initImageNsfwScore?: number;
  /** Seconds (ms precision) of the steps that ran. */
  timings: { upscale?: number; safety_checker?: number };
}

const seconds = (since: number) => Math.round(performance.now() - since) / 1000;

/**
 * After generation: `upscale` first, then the NSFW check on the images as they will be delivered
 * (so what is checked is what the client gets, and a replacement has the delivered size).
 */
export async function postProcess(images: Buffer[], size: { width: number; height: number }, req: PostProcessRequest, tools: PostProcessors): Promise<PostProcessed> {
  const out: PostProcessed = { images, ...size, nsfwContentDetected: false, timings: {} };
  if (req.upscale !== null) {
    const scale = req.upscale;
    await withSpan('upscale', { attributes: { 'easel.scale': scale, 'easel.images': images.length } }, () => upscale(out, scale, req, tools.upscaler));
  }
  if (req.safetyChecker) {
    await withSpan('safety_checker', { attributes: { 'easel.images': out.images.length } }, () => check(out, req, tools.safety));
  }
  return out;
}

async function upscale(out: PostProcessed, scale: 2 | 3 | 4, req: PostProcessRequest, upscaler: Upscaler): Promise<void> {
  const started = performance.now();
  const upscaled = [];
  for (const image of out.images) upscaled.push(await upscaler.upscaleImage(image, { scale, format: req.format, onTile: req.heartbeat }));
  out.images = upscaled.map((u) => u.image);
  out.width = upscaled[0]?.width ?? out.width * scale;
  out.height = upscaled[0]?.height ?? out.height * scale;
  out.timings.upscale = seconds(started);
}

async function check(out: PostProcessed, req: PostProcessRequest, safety: SafetyChecker): Promise<void> {
  const started = performance.now();
  const initFlagged = req.initImage ? await safety.classify(req.initImage) : null;
  if (initFlagged) out.initImageNsfwScore = round(initFlagged.nsfw);
  const forceReplace = initFlagged !== null && safety.isFlagged(initFlagged);
  const checked = [];
  for (const image of out.images) {
    const classification = await safety.classify(image);
    const flagged = forceReplace || safety.isFlagged(classification);
    req.heartbeat?.();
    checked.push({ image: flagged ? await replaceImage(image, req.safetyCheckerType, req.format) : image, flagged, score: classification.nsfw });
  }
  out.images = checked.map((c) => c.image);
  out.nsfwScores = checked.map((c) => round(c.score));
  out.nsfwContentDetected = checked.some((c) => c.flagged);
  out.timings.safety_checker = seconds(started);
}

const round = (score: number) => Math.round(score * 1e4) / 1e4;
