import * as ort from 'onnxruntime-node';
import { trace, type Attributes } from '@opentelemetry/api';
import { prepareControl } from '../controlnet/prepare-control';
import type { ControlNetModel } from '../controlnet/controlnet-model';
import { CancelledError } from '../errors';
import type { DiffusionModel } from '../model/load-model';
import type { Graph } from '../model/session';
import { SampleNoise } from '../random/noise';
import { createScheduler } from '../schedulers/registry';
import { encodeImage, loadImage, loadMask, toPixels } from './images';
import { requireSelfAttentionSupport, withSelfAttentionGuidance } from '../guidance/self-attention-guidance';
import { blendMasked, concatPlanes, downsampleMask, repeatBatch, scale } from './latents';
import { lockLowFrequencies } from './low-frequency-lock';
import { requestFields } from './result-fields';
import { withPanorama } from './panorama';
import { createUnetPredictor } from './unet-predictor';
import { encodePrompts } from './text-conditioning';
import { encodeSdxlPrompts } from './sdxl-conditioning';
import { sdxlAddedConditioning } from './sdxl-added-conditioning';
import { sdxlTimeIds } from './sdxl-time-ids';
import { denoisingSplit } from './denoising-split';
import { latentResult } from './latent-result';
import { DEFAULT_LIMITS, type GenerateOptions, type GenerateRequest, type GenerateResult, type PhaseTimings, type PipelineLimits } from './types';
import { normalizeRequest } from './validate';

const tracer = trace.getTracer('@easel/engine-diffusion');

/**
 * Records a finished pipeline phase as a span, child of the caller's active span (the worker's
 * job), from `startMs` to now (both `performance.now()` times). A no-op until a process
 * registers an OpenTelemetry SDK: the engine itself only uses the API.
 */
function phaseSpan(name: string, startMs: number, attributes?: Attributes): void {
  tracer.startSpan(name, { startTime: startMs, attributes }).end(performance.now());
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

async function vaeEncode(model: DiffusionModel, image: Float32Array, width: number, height: number): Promise<Float32Array> {
  const enc = model.vaeEncoder as Graph;
  const out = await enc.run({ sample: new ort.Tensor('float32', image, [1, 3, height, width]) });
  const lat = out.latent_sample ?? out[enc.outputNames[0]];
  return scale(lat.data as Float32Array, model.info.scalingFactor);
}

/** The model's native image side (the default width/height). */
export function nativeSize(model: DiffusionModel): number {
  return model.info.nativeSize;
}

/**
 * Stable Diffusion text2img / img2img / inpaint, as diffusers' pipelines do it:
 * text conditioning → initial latents → for each timestep: (uncond, cond) in one UNet call,
 * guidance, scheduler step (and, for 4-channel inpainting, re-impose the known region) →
 * VAE decode → encode images.
 */
export async function runStableDiffusion(
  model: DiffusionModel,
  request: GenerateRequest,
  options: GenerateOptions = {},
  limits: PipelineLimits = DEFAULT_LIMITS,
  controlNets: readonly ControlNetModel[] = [],
): Promise<GenerateResult> {
  const t0 = performance.now();
  const { info } = model;
  const graphs = [model.textEncoder, model.unet, model.vaeDecoder, model.vaeEncoder, ...controlNets.map((c) => c.graph)].filter((g): g is Graph => !!g);
  const ortStart = graphs.reduce((s, g) => s + g.runMs, 0);
  const req = normalizeRequest(request, limits, info, nativeSize(model));
  if (req.selfAttention) requireSelfAttentionSupport(model);
  const schedulerConfig = request.timestepSpacing ? { ...info.schedulerConfig, timestep_spacing: request.timestepSpacing } : info.schedulerConfig;
  const scheduler = createScheduler(req.scheduler, schedulerConfig, {
    useKarrasSigmas: request.useKarrasSigmas,
    algorithmType: request.algorithmType,
  });
  const { signal, onProgress } = options;
  checkAbort(signal);

  const n = req.samples;
  const W = req.width;
  const H = req.height;
  const f = info.vaeScaleFactor;
  const h = H / f;
  const w = W / f;
  const C = info.latentChannels;
  const plane = h * w;
  const per = C * plane;
  const guidance = req.guidanceScale > 1;
  const B = guidance ? 2 * n : n;
  const timings: PhaseTimings = { totalMs: 0, textEncoderMs: 0, stepMs: [], unetMs: [], vaeEncodeMs: 0, vaeDecodeMs: 0, imageIoMs: 0, ortMs: 0, phasesMs: {} };

  // 1. text conditioning, laid out [uncond × n; cond × n] for the batched UNet call
  let t = performance.now();
  const emphasis = request.promptWeighting !== false;
  const xl = info.timeIds > 0;
  const text = xl ? await encodeSdxlPrompts(model, req.prompt, req.negativePrompt, guidance, emphasis) : await encodePrompts(model, req.prompt, req.negativePrompt, guidance, req.clipSkip, emphasis);
  timings.textEncoderMs = performance.now() - t;
  phaseSpan('text_encoder', t, { 'easel.prompt_tokens': text.tokenCount });
  const rowLen = text.seqLen * info.textWidth;
  const ehs = new Float32Array(B * rowLen);
  for (let i = 0; i < n; i++) {
    if (text.uncond) ehs.set(text.uncond, i * rowLen);
    ehs.set(text.cond, ((guidance ? n : 0) + i) * rowLen);
  }
  const ehsTensor = new ort.Tensor('float32', ehs, [B, text.seqLen, info.textWidth]);
  const addedConditioning = xl ? sdxlAddedConditioning(text, sdxlTimeIds({ ...request, width: W, height: H }, info.timeIds), n, guidance) : undefined;
  checkAbort(signal);

  // 2. timesteps (img2img/inpaint: diffusers' strength truncation)
  scheduler.setTimesteps(req.steps);
  let timesteps = scheduler.timesteps;
  const split = denoisingSplit(request, scheduler, timesteps, info.schedulerConfig.num_train_timesteps);
  if (split) {
    timesteps = timesteps.slice(split.begin, split.end);
    if (split.begin > 0) scheduler.setBeginIndex(split.begin);
  } else if (req.mode !== 'text2img') {
    const initTimestep = Math.min(Math.floor(req.steps * req.strength), req.steps);
    const tStart = Math.max(req.steps - initTimestep, 0);
    const begin = tStart * scheduler.order;
    timesteps = timesteps.slice(begin);
    // strength 0: no step runs; the result is decode(encode(init_image))
    if (timesteps.length > 0) scheduler.setBeginIndex(begin);
  }

  // 3. initial latents
  const noiseSource = new SampleNoise(req.seed, n);
  const noise = request.initialNoise ? Float32Array.from(request.initialNoise) : noiseSource.randn(n * per);
  let latents: Float32Array;
  let imageLatents: Float32Array | undefined;
  let maskLatent: Float32Array | undefined;
  let maskedImageLatents: Float32Array | undefined;
  if (request.initLatents) {
    // a refiner's second stage: the base's partly denoised latents, already at this timestep's noise level
    latents = Float32Array.from(request.initLatents);
  } else if (req.mode === 'text2img') {
    latents = scale(noise, scheduler.initNoiseSigma);
  } else {
    t = performance.now();
    const image = await loadImage(request.initImage!, W, H);
    const mask = req.mode === 'inpaint' ? await loadMask(request.maskImage!, W, H) : undefined;
    timings.imageIoMs += performance.now() - t;
    t = performance.now();
    imageLatents = repeatBatch(await vaeEncode(model, image, W, H), n);
    if (mask) {
      maskLatent = downsampleMask(mask, W, H, f);
      if (info.isInpaintUnet) {
        const masked = new Float32Array(image.length);
        const pix = W * H;
        for (let c = 0; c < 3; c++) for (let i = 0; i < pix; i++) masked[c * pix + i] = mask[i] < 0.5 ? image[c * pix + i] : 0;
        maskedImageLatents = await vaeEncode(model, masked, W, H);
      }
    }
    timings.vaeEncodeMs = performance.now() - t;
    phaseSpan('vae_encode', t);
    if (timesteps.length === 0) latents = imageLatents.slice();
    else if (req.mode === 'inpaint' && req.strength >= 1) latents = scale(noise, scheduler.initNoiseSigma);
    else latents = scheduler.addNoise(imageLatents, noise, timesteps[0]);
  }
  checkAbort(signal);

  // 4. denoising loop: the UNet call (batched CFG) with the ControlNets' residuals, optionally self-attention guided per window, optionally windowed (panorama)
  const unetMs: number[] = [];
  const controlMs: number[] = [];
  const controlUses = request.controlNets ?? [];
  const residuals = controlUses.length
    ? await prepareControl(model, { uses: controlUses, models: controlNets, guessMode: request.guessMode === true, samples: n, guidance, textStates: ehsTensor, width: W, height: H, timesteps, controlMs })
    : undefined;
  const predictor = createUnetPredictor({
    model,
    textStates: ehsTensor,
    samples: n,
    guidanceScale: req.guidanceScale,
    inpaintChannels: maskLatent && info.isInpaintUnet ? concatPlanes(maskLatent, maskedImageLatents!) : undefined,
    wantAttention: req.selfAttention,
    unetMs,
    residuals,
    addedInputs: addedConditioning,
  });
  const sagTiming = { ms: 0 };
  const panoramaTiming = { ms: 0 };
  let predict = predictor;
  if (req.selfAttention) {
    const referenceStates = new ort.Tensor('float32', ehs.subarray(0, n * rowLen), [n, text.seqLen, info.textWidth]);
    const reference = createUnetPredictor({ model, textStates: referenceStates, samples: n, guidanceScale: 1 });
    predict = withSelfAttentionGuidance(predict, { model, samples: n, channels: C, scale: req.sagScale, reference, timing: sagTiming });
  }
  if (req.panorama) predict = withPanorama(predict, { samples: n, channels: C, window: nativeSize(model) / f, timing: panoramaTiming });
  const keepAt = req.mode === 'img2img' ? request.keepInitStructureAt : undefined;
  const coarse = keepAt && { width: Math.max(1, Math.round(keepAt.width / f)), height: Math.max(1, Math.round(keepAt.height / f)) };
  const loopStart = performance.now();
  for (let i = 0; i < timesteps.length; i++) {
    checkAbort(signal);
    const stepStart = performance.now();
    const ts = timesteps[i];
    const scaled = scheduler.scaleModelInput(latents, ts);
    const calls = unetMs.length;
    const { guided } = await predict(scaled, ts, h, w);
    timings.unetMs.push(unetMs.slice(calls).reduce((a, b) => a + b, 0));
    latents = scheduler.step(guided, ts, latents, noiseSource);
    if (maskLatent && !info.isInpaintUnet) {
      // diffusers (4-channel UNet): keep the known region on the trajectory of the init image
      const keep = i < timesteps.length - 1 ? scheduler.addNoise(imageLatents!, noise, timesteps[i + 1]) : imageLatents!;
      blendMasked(latents, keep, maskLatent);
    } else if (coarse && imageLatents) {
      // the init image's coarse structure, on its own trajectory, replaces the step's
      const keep = i < timesteps.length - 1 ? scheduler.addNoise(imageLatents, noise, timesteps[i + 1]) : imageLatents;
      lockLowFrequencies(latents, keep, n * C, h, w, coarse.height, coarse.width);
    }
    timings.stepMs.push(performance.now() - stepStart);
    onProgress?.({
      step: i + 1,
      total: timesteps.length,
      elapsedMs: performance.now() - loopStart,
      latents: { data: latents.slice(0, per), channels: C, height: h, width: w },
    });
  }
  if (req.selfAttention) timings.phasesMs.self_attention = sagTiming.ms;
  if (residuals) timings.phasesMs.controlnet = controlMs.reduce((a, b) => a + b, 0);
  if (req.panorama) timings.phasesMs.panorama_blend = panoramaTiming.ms;
  phaseSpan('denoise', loopStart, { 'easel.steps': timesteps.length, 'easel.unet_ms': Math.round(timings.unetMs.reduce((a, b) => a + b, 0)) });
  checkAbort(signal);

  if (request.returnLatents) return latentResult(latents, req, noiseSource.seeds, text.tokenCount, timings, graphs, ortStart, t0);

  // 5. decode each sample, encode images
  t = performance.now();
  const decoded: Float32Array[] = [];
  const inv = 1 / info.scalingFactor;
  const decOut = model.vaeDecoder.outputs.has('sample') ? 'sample' : model.vaeDecoder.outputNames[0];
  for (let i = 0; i < n; i++) {
    const lat = scale(latents.subarray(i * per, (i + 1) * per), inv);
    const out = await model.vaeDecoder.run({ latent_sample: new ort.Tensor('float32', lat, [1, C, h, w]) }, [decOut]);
    decoded.push(out[decOut].data as Float32Array);
  }
  timings.vaeDecodeMs = performance.now() - t;
  phaseSpan('vae_decode', t, { 'easel.samples': n });
  t = performance.now();
  const pixels = request.returnPixels ? new Float32Array(n * 3 * W * H) : undefined;
  const images = await Promise.all(
    decoded.map((d, i) => encodeImage(toPixels(d, W, H, pixels, i * 3 * W * H), W, H, req.outputFormat, req.quality)),
  );
  timings.imageIoMs += performance.now() - t;
  timings.ortMs = graphs.reduce((s, g) => s + g.runMs, 0) - ortStart;
  timings.totalMs = performance.now() - t0;
  return {
    images,
    ...requestFields(req),
    seeds: noiseSource.seeds,
    promptTokens: text.tokenCount,
    timings,
    ...(pixels ? { pixels } : {}),
  };
}
