import * as ort from 'onnxruntime-node';
import { CancelledError, InvalidRequestError } from '../errors';
import { SampleNoise } from '../random/noise';
import { FlowMatchEulerDiscreteScheduler } from '../schedulers/flow-match-euler-discrete';
import { encodeImage, toPixels } from '../pipeline/images';
import { requestFields } from '../pipeline/result-fields';
import { scale } from '../pipeline/latents';
import { DEFAULT_LIMITS, type GenerateOptions, type GenerateRequest, type GenerateResult, type PhaseTimings, type PipelineLimits } from '../pipeline/types';
import { normalizeRequest } from '../pipeline/validate';
import type { FluxModel } from './flux-model';
import { refuseFluxUnsupported } from './flux-unsupported';
import { latentImageIds, packLatents, unpackLatents } from './latent-packing';

/** FLUX.1-dev's default embedded guidance (FluxPipeline's guidance_scale). */
export const FLUX_DEFAULT_GUIDANCE = 3.5;

function ids(tokens: Int32Array, type: string): ort.Tensor {
  return type === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [1, tokens.length]) : new ort.Tensor('int32', tokens, [1, tokens.length]);
}

function repeatRows(row: Float32Array, n: number): Float32Array {
  const out = new Float32Array(row.length * n);
  for (let i = 0; i < n; i++) out.set(row, i * row.length);
  return out;
}

/** The prompt's conditioning: CLIP-L's pooled output and T5's hidden states (FluxPipeline.encode_prompt). */
async function encodeFluxPrompt(model: FluxModel, prompt: string): Promise<{ pooled: Float32Array; t5: Float32Array; t5Len: number }> {
  const clipIds = model.clipTokenizer.tokenize(prompt);
  const pooledOut = model.clip.outputs.has('pooler_output') ? 'pooler_output' : model.clip.outputNames[1];
  const clip = await model.clip.run({ input_ids: ids(clipIds, model.clip.input('input_ids').type) }, [pooledOut]);
  const t5Ids = model.t5Tokenizer.tokenize(prompt, model.info.t5Length);
  const t5Out = model.t5.outputs.has('last_hidden_state') ? 'last_hidden_state' : model.t5.outputNames[0];
  const t5 = await model.t5.run({ input_ids: ids(t5Ids, model.t5.input('input_ids').type) }, [t5Out]);
  return { pooled: clip[pooledOut].data as Float32Array, t5: t5[t5Out].data as Float32Array, t5Len: t5Ids.length };
}

/**
 * FLUX.1 text-to-image, as diffusers' FluxPipeline: CLIP pooled + T5 states, noise packed into 2×2
 * patch tokens with their position ids, FlowMatchEuler with the dynamic shift for this image's
 * token count, one transformer call per step for all samples (guidance is an input, not a second
 * pass), unpack, un-scale and un-shift, VAE decode.
 */
export async function runFlux(model: FluxModel, request: GenerateRequest, options: GenerateOptions = {}, limits: PipelineLimits = DEFAULT_LIMITS): Promise<GenerateResult> {
  const t0 = performance.now();
  refuseFluxUnsupported(request);
  const { info } = model;
  const req = normalizeRequest({ ...request, scheduler: undefined, guidanceScale: request.guidanceScale ?? FLUX_DEFAULT_GUIDANCE }, limits, info, info.nativeSize);
  const patch = 2 * info.vaeScaleFactor;
  for (const field of ['width', 'height'] as const) {
    if (req[field] % patch !== 0) throw new InvalidRequestError('size_not_multiple', field, `The ${field} must be a multiple of ${patch} for FLUX models.`);
  }
  const { signal, onProgress } = options;
  const n = req.samples;
  const C = info.latentChannels;
  const h = req.height / info.vaeScaleFactor;
  const w = req.width / info.vaeScaleFactor;
  const per = C * h * w;
  const tokens = (h / 2) * (w / 2);
  const timings: PhaseTimings = { totalMs: 0, textEncoderMs: 0, stepMs: [], unetMs: [], vaeEncodeMs: 0, vaeDecodeMs: 0, imageIoMs: 0, ortMs: 0, phasesMs: {} };

  let t = performance.now();
  const text = await encodeFluxPrompt(model, req.prompt);
  timings.textEncoderMs = performance.now() - t;

  const scheduler = new FlowMatchEulerDiscreteScheduler(info.schedulerConfig, tokens);
  scheduler.setTimesteps(req.steps);
  const noiseSource = new SampleNoise(req.seed, n);
  const noise = request.initialNoise ? Float32Array.from(request.initialNoise) : noiseSource.randn(n * per);
  let latents: Float32Array = new Float32Array(n * per);
  for (let i = 0; i < n; i++) latents.set(packLatents(noise.subarray(i * per, (i + 1) * per), C, h, w), i * per);

  const feeds: Record<string, ort.Tensor> = {
    encoder_hidden_states: new ort.Tensor('float32', repeatRows(text.t5, n), [n, text.t5Len, info.textWidth]),
    pooled_projections: new ort.Tensor('float32', repeatRows(text.pooled, n), [n, text.pooled.length]),
    img_ids: new ort.Tensor('float32', latentImageIds(h, w), [tokens, 3]),
    txt_ids: new ort.Tensor('float32', new Float32Array(text.t5Len * 3), [text.t5Len, 3]),
  };
  if (info.guidanceEmbeds) feeds.guidance = new ort.Tensor('float32', new Float32Array(n).fill(req.guidanceScale), [n]);
  const outName = model.transformer.outputs.has('out_hidden_states') ? 'out_hidden_states' : model.transformer.outputNames[0];
  const loopStart = performance.now();
  for (let i = 0; i < scheduler.timesteps.length; i++) {
    if (signal?.aborted) throw new CancelledError();
    const stepStart = performance.now();
    const ts = scheduler.timesteps[i];
    const out = await model.transformer.run(
      { ...feeds, hidden_states: new ort.Tensor('float32', latents, [n, tokens, 4 * C]), timestep: new ort.Tensor('float32', new Float32Array(n).fill(ts / 1000), [n]) },
      [outName],
    );
    timings.unetMs.push(performance.now() - stepStart);
    latents = scheduler.step(out[outName].data as Float32Array, ts, latents, noiseSource);
    timings.stepMs.push(performance.now() - stepStart);
    onProgress?.({ step: i + 1, total: scheduler.timesteps.length, elapsedMs: performance.now() - loopStart, latents: { data: unpackLatents(latents.subarray(0, per), C, h, w), channels: C, height: h, width: w } });
  }

  t = performance.now();
  const decoded: Float32Array[] = [];
  const decOut = model.vaeDecoder.outputs.has('sample') ? 'sample' : model.vaeDecoder.outputNames[0];
  for (let i = 0; i < n; i++) {
    const lat = scale(unpackLatents(latents.subarray(i * per, (i + 1) * per), C, h, w), 1 / info.scalingFactor).map((v) => v + info.shiftFactor);
    const out = await model.vaeDecoder.run({ latent_sample: new ort.Tensor('float32', lat, [1, C, h, w]) }, [decOut]);
    decoded.push(out[decOut].data as Float32Array);
  }
  timings.vaeDecodeMs = performance.now() - t;
  t = performance.now();
  const W = req.width;
  const H = req.height;
  const pixels = request.returnPixels ? new Float32Array(n * 3 * W * H) : undefined;
  const images = await Promise.all(decoded.map((d, i) => encodeImage(toPixels(d, W, H, pixels, i * 3 * W * H), W, H, req.outputFormat, req.quality)));
  timings.imageIoMs = performance.now() - t;
  timings.ortMs = [model.clip, model.t5, model.transformer, model.vaeDecoder].reduce((s, g) => s + g.runMs, 0);
  timings.totalMs = performance.now() - t0;
  return {
    images,
    ...requestFields(req, scheduler.name),
    seeds: noiseSource.seeds,
    promptTokens: text.t5Len,
    timings,
    ...(pixels ? { pixels } : {}),
  };
}
