import { UnsupportedFeatureError } from '../errors';
import type { DiffusionModel } from '../model/load-model';
import { alphasCumprod } from '../schedulers/betas';
import { BASE_DEFAULTS, withDefaults } from '../schedulers/config';
import { MID_ATTENTION_OUTPUT, type NoisePredictor } from '../pipeline/unet-predictor';
import { gaussianBlur2d } from './gaussian-blur';

/** diffusers' StableDiffusionSAGPipeline default `sag_scale`. */
export const DEFAULT_SAG_SCALE = 0.75;

/** Throws the typed "unsupported for this model" error unless the UNet outputs the mid block's attention probabilities. */
export function requireSelfAttentionSupport(model: DiffusionModel): void {
  if (!model.unet.outputs.has(MID_ATTENTION_OUTPUT)) {
    throw new UnsupportedFeatureError(
      'self_attention',
      `self_attention is unsupported for this model: its UNet graph does not output "${MID_ATTENTION_OUTPUT}" (the mid block's self-attention probabilities).`,
    );
  }
}

/** ᾱ(t) of the model's training schedule, linearly interpolated for fractional timesteps (Karras sigmas). */
export function alphaBarAt(model: DiffusionModel): (t: number) => number {
  const ac = alphasCumprod(withDefaults(model.info.schedulerConfig, BASE_DEFAULTS));
  return (t) => {
    const c = Math.min(Math.max(t, 0), ac.length - 1);
    const lo = Math.floor(c);
    const hi = Math.min(lo + 1, ac.length - 1);
    return ac[lo] + (c - lo) * (ac[hi] - ac[lo]);
  };
}

/**
 * Where the model attends most: per sample, the mid-block attention probabilities [heads, hw, hw]
 * averaged over heads and summed over queries; keys receiving more than 1 (the mean) are masked.
 * The [mh, mw] mask is up-sampled (nearest) to the latent's [h, w] — diffusers' `sag_masking`.
 */
export function attentionMask(attention: Float32Array, samples: number, mh: number, mw: number, h: number, w: number): Float32Array {
  const hw = mh * mw;
  const heads = attention.length / (samples * hw * hw);
  if (!Number.isInteger(heads) || heads < 1) throw new Error(`${MID_ATTENTION_OUTPUT} has ${attention.length} values; expected samples·heads·${hw}·${hw}`);
  const out = new Float32Array(samples * h * w);
  const received = new Float64Array(hw);
  for (let b = 0; b < samples; b++) {
    received.fill(0);
    for (let head = 0; head < heads; head++) {
      const o = (b * heads + head) * hw * hw;
      for (let q = 0; q < hw; q++) for (let k = 0; k < hw; k++) received[k] += attention[o + q * hw + k];
    }
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const k = Math.floor((y * mh) / h) * mw + Math.floor((x * mw) / w);
        out[b * h * w + y * w + x] = received[k] / heads > 1 ? 1 : 0;
      }
  }
  return out;
}

/** The side of the UNet's mid block for a latent side: two stride-2 convolutions with padding 1. */
const midSide = (side: number) => Math.ceil(Math.ceil(side / 2) / 2);

export interface SelfAttentionGuidanceOptions {
  model: DiffusionModel;
  samples: number;
  channels: number;
  scale: number;
  /** The reference rows' UNet alone (uncond text states, no guidance) for the degraded pass. */
  reference: NoisePredictor;
  /** Milliseconds spent on SAG (mask, blur, the degraded UNet run) are added here. */
  timing: { ms: number };
}

/**
 * Self-attention guidance (Hong et al. 2022, "Improving Sample Quality of Diffusion Models Using
 * Self-Attention Guidance"; diffusers' StableDiffusionSAGPipeline): predict x₀ from the reference
 * (unconditional) output, blur it where the mid block's self-attention concentrates, noise it back
 * to t with the same ε, run the UNet on that degraded input and push the guided output away from
 * it: guided += scale · (reference − degraded).
 *
 * The UNet input is variance-preserving for every scheduler (scaleModelInput), so
 * x_t = √ᾱ·x₀ + √(1−ᾱ)·ε holds for the k-diffusion family too.
 */
export function withSelfAttentionGuidance(base: NoisePredictor, o: SelfAttentionGuidanceOptions): NoisePredictor {
  requireSelfAttentionSupport(o.model);
  const alphaBar = alphaBarAt(o.model);
  const vPrediction = o.model.info.predictionType === 'v_prediction';
  if (o.model.info.predictionType === 'sample') throw new UnsupportedFeatureError('self_attention', 'self_attention is unsupported for models that predict the sample.');
  return async (scaled, t, h, w) => {
    const p = await base(scaled, t, h, w);
    const start = performance.now();
    const a = alphaBar(t);
    const sa = Math.sqrt(a);
    const s1 = Math.sqrt(1 - a);
    const n = scaled.length;
    const x0 = new Float32Array(n);
    const eps = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const out = p.reference[i];
      if (vPrediction) {
        x0[i] = sa * scaled[i] - s1 * out;
        eps[i] = s1 * scaled[i] + sa * out;
      } else {
        x0[i] = (scaled[i] - s1 * out) / sa;
        eps[i] = out;
      }
    }
    const mask = attentionMask(p.attention!, o.samples, midSide(h), midSide(w), h, w);
    const blurred = gaussianBlur2d(x0, h, w);
    const plane = h * w;
    const degraded = new Float32Array(n);
    for (let b = 0; b < o.samples; b++)
      for (let c = 0; c < o.channels; c++)
        for (let i = 0; i < plane; i++) {
          const j = (b * o.channels + c) * plane + i;
          const m = mask[b * plane + i];
          degraded[j] = sa * (m * blurred[j] + (1 - m) * x0[j]) + s1 * eps[j];
        }
    const d = await o.reference(degraded, t, h, w);
    for (let i = 0; i < n; i++) p.guided[i] += o.scale * (p.reference[i] - d.guided[i]);
    o.timing.ms += performance.now() - start;
    return p;
  };
}
