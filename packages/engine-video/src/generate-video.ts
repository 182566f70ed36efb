import * as ort from 'onnxruntime-node';
import {
  CancelledError,
  PhiloxNormalStream,
  SampleNoise,
  applyGuidance,
  createScheduler,
  encodePrompts,
  loadImage,
  scale,
  toPixels,
  type TextConditioning,
} from '@easel/engine-diffusion';
import { frameGuidanceScales } from './frame-guidance';
import { frameNoise } from './frame-noise';
import { toChannelMajor, toFrameMajor } from './frame-layout';
import { DEFAULT_VIDEO_LIMITS, validateVideoRequest, type VideoLimits, type VideoRequest } from './video-request';
import type { VideoModel } from './video-model';

export interface VideoProgress {
  /** 1-based: denoising steps first, then one per decoded frame. */
  step: number;
  total: number;
  phase: 'denoise' | 'decode';
  /** The decoded frame (1-based), in the decode phase. */
  frame?: number;
  elapsedMs: number;
}

export interface VideoTimings {
  totalMs: number;
  textEncoderMs: number;
  vaeEncodeMs: number;
  stepMs: number[];
  vaeDecodeMs: number;
}

export interface VideoResult {
  /** Interleaved RGB bytes per frame, width × height. */
  frames: Uint8Array[];
  width: number;
  height: number;
  seed: number;
  timings: VideoTimings;
}

export interface VideoOptions {
  signal?: AbortSignal;
  onProgress?: (event: VideoProgress) => void;
  limits?: VideoLimits;
}

const DECODE_BATCH = 4;

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/**
 * AnimateDiff's sampling loop: every frame starts from its own noise (with the share common to the
 * clip its model was trained with: frame-noise.ts) and all are denoised
 * together, each UNet call seeing the whole clip (the motion modules attend across frames)
 * with one text conditioning; classifier-free guidance batches the negative prompt beside it.
 * img2video gives frame 0 as the picture's clean latent at timestep 0 at every step, and keeps it.
 */
export async function generateVideo(model: VideoModel, request: VideoRequest, options: VideoOptions = {}): Promise<VideoResult> {
  const t0 = performance.now();
  validateVideoRequest(request, options.limits ?? DEFAULT_VIDEO_LIMITS);
  const { base, unet } = model;
  const { info } = base;
  const { signal, onProgress } = options;
  const F = request.numFrames;
  const C = info.latentChannels;
  const h = request.height / info.vaeScaleFactor;
  const w = request.width / info.vaeScaleFactor;
  const plane = h * w;
  const perFrame = C * plane;
  const image2video = request.initImage !== undefined;
  const scales = image2video
    ? frameGuidanceScales(F, request.minGuidanceScale ?? 1, request.maxGuidanceScale ?? 3)
    : frameGuidanceScales(F, request.guidanceScale, request.guidanceScale);
  const guidance = scales.some((g) => g > 1);
  const B = guidance ? 2 : 1;
  const timings: VideoTimings = { totalMs: 0, textEncoderMs: 0, vaeEncodeMs: 0, stepMs: [], vaeDecodeMs: 0 };

  let t = performance.now();
  const text = await encodePrompts(base, request.prompt, request.negativePrompt ?? '', guidance, request.clipSkip ?? 1, false);
  timings.textEncoderMs = performance.now() - t;
  const rowLen = text.seqLen * info.textWidth;
  const ehs = new Float32Array(B * rowLen);
  if (guidance) ehs.set(text.uncond!, 0);
  ehs.set(text.cond, (B - 1) * rowLen);
  const textStates = new ort.Tensor('float32', ehs, [B, text.seqLen, info.textWidth]);
  const wordFeeds: Record<string, ort.Tensor> = unet.inputs.has('input_ids') ? { input_ids: tokenIdsTensor(text, guidance) } : {};
  checkAbort(signal);

  const scheduler = createScheduler(request.scheduler ?? info.schedulerConfig._class_name?.toString() ?? 'DPMSolverMultistepScheduler', info.schedulerConfig);
  scheduler.setTimesteps(request.steps);
  const noise = new SampleNoise(request.seed, 1);
  let latents = scale(frameNoise(noise, F, perFrame, model.frameNoiseShared), scheduler.initNoiseSigma);

  let first: Float32Array | undefined;
  if (image2video) {
    t = performance.now();
    const pixels = await loadImage(request.initImage!, request.width, request.height);
    if (request.noiseAugStrength) {
      const aug = new Float32Array(pixels.length);
      new PhiloxNormalStream(request.seed + 1).fill(aug, 0, aug.length);
      for (let i = 0; i < pixels.length; i++) pixels[i] += request.noiseAugStrength * aug[i];
    }
    const enc = base.vaeEncoder;
    if (!enc) throw new CancelledError('The base model has no VAE encoder: img2video needs one.');
    const out = await enc.run({ sample: new ort.Tensor('float32', pixels, [1, 3, request.height, request.width]) });
    first = scale((out.latent_sample ?? out[enc.outputNames[0]]).data as Float32Array, info.scalingFactor);
    latents.set(first, 0);
    timings.vaeEncodeMs = performance.now() - t;
  }

  const span = request.motionSpan ?? 1;
  const frameTimes = new ort.Tensor('float32', Float32Array.from({ length: F }, (_, i) => (span * i) / (F - 1)), [F]);
  const sampleData = new Float32Array(B * F * perFrame);
  const sample = new ort.Tensor('float32', sampleData, [B, C, F, h, w]);
  const steps = new BigInt64Array(F);
  const timestep = new ort.Tensor('int64', steps, [1, F]);
  const outName = unet.outputs.has('out_sample') ? 'out_sample' : unet.outputNames[0];
  const total = scheduler.timesteps.length + F;
  for (let i = 0; i < scheduler.timesteps.length; i++) {
    checkAbort(signal);
    const stepStart = performance.now();
    const ts = scheduler.timesteps[i];
    const scaled = scheduler.scaleModelInput(latents, ts);
    if (first) scaled.set(first, 0);
    steps.fill(BigInt(Math.round(ts)));
    if (first) steps[0] = 0n;
    for (let b = 0; b < B; b++) toChannelMajor(scaled, F, C, plane, sampleData, b * F * perFrame);
    const out = await unet.run({ sample, timestep, encoder_hidden_states: textStates, frame_times: frameTimes, ...wordFeeds }, [outName]);
    const pred = out[outName].data as Float32Array;
    const cond = toFrameMajor(pred, F, C, plane, (B - 1) * F * perFrame);
    let guided = cond;
    if (guidance) {
      const uncond = toFrameMajor(pred, F, C, plane, 0);
      guided = new Float32Array(F * perFrame);
      const both = new Float32Array(2 * perFrame);
      for (let f = 0; f < F; f++) {
        both.set(uncond.subarray(f * perFrame, (f + 1) * perFrame), 0);
        both.set(cond.subarray(f * perFrame, (f + 1) * perFrame), perFrame);
        guided.set(applyGuidance(both, perFrame, scales[f]), f * perFrame);
      }
    }
    latents = scheduler.step(guided, ts, latents, noise);
    if (first) latents.set(first, 0);
    timings.stepMs.push(performance.now() - stepStart);
    onProgress?.({ step: i + 1, total, phase: 'denoise', elapsedMs: performance.now() - t0 });
  }

  t = performance.now();
  const decOut = base.vaeDecoder.outputs.has('sample') ? 'sample' : base.vaeDecoder.outputNames[0];
  const frames: Uint8Array[] = [];
  const inv = 1 / info.scalingFactor;
  for (let f0 = 0; f0 < F; f0 += DECODE_BATCH) {
    checkAbort(signal);
    const n = Math.min(DECODE_BATCH, F - f0);
    const lat = scale(latents.subarray(f0 * perFrame, (f0 + n) * perFrame), inv);
    const out = await base.vaeDecoder.run({ latent_sample: new ort.Tensor('float32', lat, [n, C, h, w]) }, [decOut]);
    const rgb = out[decOut].data as Float32Array;
    const px = 3 * request.width * request.height;
    for (let k = 0; k < n; k++) {
      frames.push(new Uint8Array(toPixels(rgb.subarray(k * px, (k + 1) * px), request.width, request.height)));
      onProgress?.({ step: scheduler.timesteps.length + f0 + k + 1, total, phase: 'decode', frame: f0 + k + 1, elapsedMs: performance.now() - t0 });
    }
  }
  timings.vaeDecodeMs = performance.now() - t;
  timings.totalMs = performance.now() - t0;
  return { frames, width: request.width, height: request.height, seed: request.seed, timings };
}

/** The tokens behind the text states, rows as in `encoder_hidden_states` (negative first with guidance): a motion model with learnt motion words reads them. */
function tokenIdsTensor(text: TextConditioning, guidance: boolean): ort.Tensor {
  const rows = guidance ? [text.tokenIds!.uncond!, text.tokenIds!.cond] : [text.tokenIds!.cond];
  const ids = new BigInt64Array(rows.length * text.seqLen);
  rows.forEach((row, r) => row.forEach((id, j) => (ids[r * text.seqLen + j] = BigInt(id))));
  return new ort.Tensor('int64', ids, [rows.length, text.seqLen]);
}
