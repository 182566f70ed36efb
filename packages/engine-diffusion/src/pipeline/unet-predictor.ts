import * as ort from 'onnxruntime-node';
import type { ResidualFeeds } from '../controlnet/control-residuals';
import { unetResidualInputs, zeroResidualFeeds } from '../controlnet/residual-inputs';
import type { DiffusionModel } from '../model/load-model';
import { applyGuidance } from './latents';

/** The UNet output that self-attention guidance needs (models/easel-tiny exports it; SD exports do not). */
export const MID_ATTENTION_OUTPUT = 'mid_attention_probs';

/** One classifier-free-guided UNet evaluation on `n` samples of a [C, h, w] latent. */
export interface UnetPrediction {
  /**
   * What the scheduler steps with: uncond + g·(cond − uncond), or the cond output without guidance.
   * A new array at every call: multistep schedulers (PNDM's ε history) keep it for later steps.
   */
  guided: Float32Array;
  /** The unconditional rows' output (the conditional ones when guidance is off): SAG's reference. */
  reference: Float32Array;
  /** With `wantAttention`: the reference rows' mid-block self-attention probabilities [n·heads, hw, hw]. */
  attention?: Float32Array;
}

/** Predicts the model output for scaled latents [n, C, h, w] at timestep `t`; h and w may differ from call to call (panorama windows). */
export type NoisePredictor = (
  scaled: Float32Array,
  t: number,
  h: number,
  w: number,
) => Promise<UnetPrediction>;

export interface UnetPredictorOptions {
  model: DiffusionModel;
  /** Text states for all B rows, laid out [uncond × n; cond × n] (cond × n without guidance). */
  textStates: ort.Tensor;
  samples: number;
  guidanceScale: number;
  /** 9-channel inpainting UNets: the mask and masked-image latent channels [1 + C, h, w], constant over the run. */
  inpaintChannels?: Float32Array;
  wantAttention?: boolean;
  /** Each UNet `run`'s milliseconds are pushed here. */
  unetMs?: number[];
  /** ControlNet residuals for each call; a UNet that takes residuals gets zeros without them. */
  residuals?: ResidualFeeds;
  /** Inputs constant over the run beside the text states (SDXL's text_embeds and time_ids), rows laid out as textStates'. */
  addedInputs?: Record<string, ort.Tensor>;
}

/**
 * The pipeline's UNet call: (uncond, cond) rows in one batched run, then guidance. Input buffers
 * are allocated once per latent size and refilled at each call.
 */
export function createUnetPredictor(o: UnetPredictorOptions): NoisePredictor {
  const { model, samples: n, guidanceScale } = o;
  const { info } = model;
  const guidance = guidanceScale > 1;
  const B = guidance ? 2 * n : n;
  const C = info.latentChannels;
  const inC = info.unetInChannels;
  const outName = model.unet.outputs.has('out_sample') ? 'out_sample' : model.unet.outputNames[0];
  const outputs = o.wantAttention ? [outName, MID_ATTENTION_OUTPUT] : [outName];
  const tsLen = info.timestepIsScalarBatch ? 1 : B;
  const tsData = info.timestepType === 'int64' ? new BigInt64Array(tsLen) : new Float32Array(tsLen);
  const tsTensor = new ort.Tensor(info.timestepType, tsData, [tsLen]);
  const buffers = new Map<string, { data: Float32Array; tensor: ort.Tensor }>();
  const residualInputs = unetResidualInputs(model.unet);
  const zeroResiduals = residualInputs ? zeroResidualFeeds(residualInputs) : {};

  const buffersFor = (h: number, w: number) => {
    const key = `${h}x${w}`;
    let b = buffers.get(key);
    if (!b) {
      const plane = h * w;
      const data = new Float32Array(B * inC * plane);
      if (o.inpaintChannels)
        for (let r = 0; r < B; r++) data.set(o.inpaintChannels, r * inC * plane + C * plane);
      b = { data, tensor: new ort.Tensor('float32', data, [B, inC, h, w]) };
      buffers.set(key, b);
    }
    return b;
  };

  return async (scaled, t, h, w) => {
    const per = C * h * w;
    const buf = buffersFor(h, w);
    for (let r = 0; r < B; r++)
      buf.data.set(scaled.subarray((r % n) * per, ((r % n) + 1) * per), r * inC * h * w);
    if (tsData instanceof BigInt64Array) tsData.fill(BigInt(Math.trunc(t)));
    else tsData.fill(t);
    const residuals = o.residuals ? await o.residuals(scaled, t, h, w) : zeroResiduals;
    const start = performance.now();
    const out = await model.unet.run(
      { sample: buf.tensor, timestep: tsTensor, encoder_hidden_states: o.textStates, ...o.addedInputs, ...residuals },
      outputs,
    );
    o.unetMs?.push(performance.now() - start);
    const pred = out[outName].data as Float32Array;
    // never a reused buffer: a reused one made PNDM's history n copies of the latest ε (a silent
    // first-order sampler) in plain runs, while panorama's fresh means ran the real PLMS
    const guided = guidance ? applyGuidance(pred, n * per, guidanceScale) : pred;
    const reference = pred.subarray(0, n * per);
    if (!o.wantAttention) return { guided, reference };
    const probs = out[MID_ATTENTION_OUTPUT].data as Float32Array;
    // rows are batch-major: the first n·heads belong to the reference (uncond) rows
    const attention = probs.subarray(0, (probs.length / B) * n);
    return { guided, reference, attention };
  };
}
