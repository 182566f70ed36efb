import type { DiffusionModel } from '../model/load-model';
import { InvalidRequestError } from '../errors';
import type { GenerateOptions, GenerateRequest, GenerateResult, PhaseTimings, PipelineLimits, ProgressEvent } from './types';
import type { ImageUpscaler } from './upscaler';
import { normalizeRequest } from './validate';

/**
 * Denoising strength of the second pass when the request gives none. A1111's hires fix defaults to
 * 0.7; on easel-tiny at 2× its native size (flagship prompt, seeds 1–6, its fine-tuned decoder),
 * 0.4 split the object in two for seed 3 (its centroid moved 11 % of the side, 7 % for seed 6)
 * while 0.35 kept the base composition for all 6 (≤ 5.8 %; 0.3: ≤ 5.2 %).
 */
export const DEFAULT_HIGHRES_STRENGTH = 0.35;

export type RunPipeline = (model: DiffusionModel, request: GenerateRequest, options: GenerateOptions, limits: PipelineLimits) => Promise<GenerateResult>;

/**
 * The first pass's size: the target scaled so its short side is the model's native side (never
 * enlarged), each side rounded to `multiple` pixels — 8 latent cells (64 px for SD), which every
 * UNet's down-sampling divides evenly (a size the client chose is the client's business; this
 * one is ours).
 */
export function highresBaseSize(width: number, height: number, native: number, multiple = 64): { width: number; height: number } {
  const s = Math.min(1, native / Math.min(width, height));
  if (s === 1) return { width, height };
  const side = (target: number) => Math.min(target, Math.max(multiple, Math.round((target * s) / multiple) * multiple));
  return { width: side(width), height: side(height) };
}

function sumTimings(parts: PhaseTimings[]): PhaseTimings {
  const out: PhaseTimings = { totalMs: 0, textEncoderMs: 0, stepMs: [], unetMs: [], vaeEncodeMs: 0, vaeDecodeMs: 0, imageIoMs: 0, ortMs: 0, phasesMs: {} };
  for (const t of parts) {
    out.textEncoderMs += t.textEncoderMs;
    out.stepMs.push(...t.stepMs);
    out.unetMs.push(...t.unetMs);
    out.vaeEncodeMs += t.vaeEncodeMs;
    out.vaeDecodeMs += t.vaeDecodeMs;
    out.imageIoMs += t.imageIoMs;
    out.ortMs += t.ortMs;
    for (const [k, v] of Object.entries(t.phasesMs)) out.phasesMs[k] = (out.phasesMs[k] ?? 0) + v;
  }
  return out;
}

/**
 * A1111's "highres fix" for text2img: generate at a base size the model handles well, enlarge the
 * decoded images with `upscaler`, then run img2img at the asked size with a denoising strength,
 * so the composition comes from the base image and the detail from the second pass. Each sample i
 * is refined on its own with seed + i (what the batch used), so a batch still equals single runs.
 */
export async function runHighresFix(
  run: RunPipeline,
  upscaler: ImageUpscaler,
  model: DiffusionModel,
  request: GenerateRequest,
  options: GenerateOptions,
  limits: PipelineLimits,
): Promise<GenerateResult> {
  const t0 = performance.now();
  if (request.initImage || request.maskImage) throw new InvalidRequestError('highres_fix_text2img_only', 'highres_fix', 'The highres fix option is only available for text2img.');
  const strength = request.highresFixStrength ?? DEFAULT_HIGHRES_STRENGTH;
  if (typeof strength !== 'number' || !(strength >= 0 && strength <= 1)) {
    throw new InvalidRequestError('invalid_strength', 'highres_fix_strength', 'The highres fix strength field must be between 0 and 1.');
  }
  const native = model.info.nativeSize;
  // the target size and the rest are checked before any pass runs
  const { width, height, steps, samples, seed } = normalizeRequest(request, limits, model.info, native);
  const base = highresBaseSize(width, height, native, 8 * model.info.vaeScaleFactor);
  const { signal, onProgress } = options;
  const refineSteps = Math.min(Math.floor(steps * strength), steps);
  // refine passes' UNet evaluations are known once the first one reports (PNDM adds warm-up steps)
  let refineTotal = refineSteps;
  let refinesLeft = samples;
  let done = 0;
  // Each pass's latents go on with its steps, so a live preview shows the refine pass too.
  const progress = ({ step, total: passTotal, latents }: ProgressEvent, refining: boolean) => {
    if (refining) refineTotal = passTotal;
    const total = done + passTotal + (refining ? refinesLeft - 1 : refinesLeft) * refineTotal;
    const phase = refining ? 'highres_refine' : 'highres_base';
    onProgress?.({ step: done + step, total, elapsedMs: performance.now() - t0, phase, ...(latents ? { latents } : {}) });
  };

  const first = await run(model, { ...request, seed, width: base.width, height: base.height, highresFix: false }, { signal, onProgress: (e) => progress(e, false) }, limits);
  done += first.timings.stepMs.length;
  const applied = base.width !== width || base.height !== height;
  const report = { baseWidth: base.width, baseHeight: base.height, strength, upscaler: upscaler.name, applied };
  if (!applied) return { ...first, highresFix: report };

  const images: Buffer[] = [];
  const pixels = request.returnPixels ? new Float32Array(samples * 3 * width * height) : undefined;
  const passes: PhaseTimings[] = [first.timings];
  let upscaleMs = 0;
  let refineMs = 0;
  let last: GenerateResult | undefined;
  for (let i = 0; i < samples; i++) {
    let t = performance.now();
    const enlarged = await upscaler.upscale(first.images[i], width, height);
    upscaleMs += performance.now() - t;
    t = performance.now();
    last = await run(
      model,
      // keepInitStructureAt: at 2× its native size easel-tiny's UNet pulls objects back to the size it
      // was trained on: without it the circle came back a tilted egg of half the area (seeds 2, 3, 6)
      { ...request, seed: first.seeds[i], samples: 1, width, height, initImage: enlarged, strength, highresFix: false, initialNoise: undefined, keepInitStructureAt: base },
      { signal, onProgress: (e) => progress(e, true) },
      limits,
    );
    refineMs += performance.now() - t;
    done += last.timings.stepMs.length;
    refinesLeft--;
    passes.push(last.timings);
    images.push(last.images[0]);
    if (pixels && last.pixels) pixels.set(last.pixels, i * 3 * width * height);
  }
  const timings = sumTimings(passes);
  timings.phasesMs.highres_base = first.timings.totalMs;
  timings.phasesMs.highres_upscale = upscaleMs;
  timings.phasesMs.highres_refine = refineMs;
  timings.totalMs = performance.now() - t0;
  return { ...last!, images, seeds: first.seeds, width, height, steps, timings, highresFix: report, ...(pixels ? { pixels } : {}) };
}
