import * as ort from 'onnxruntime-node';
import { CancelledError, SampleNoise, createScheduler } from '@easel/engine-diffusion';
import type { Condition } from './conditioning';
import type { MeshModel } from './mesh-model';

export interface LatentSampling {
  steps: number;
  guidanceScale: number;
  seed: number;
  signal?: AbortSignal;
  onStep?: (step: number, total: number) => void;
}

/** The prior's output: the clean latent or epsilon, as the scheduler config's prediction_type says. */
async function denoise(model: MeshModel, sample: Float32Array, t: number, cond: Condition): Promise<Float32Array> {
  const d = model.config.latent_dim;
  const width = cond.data.length / cond.tokens;
  const out = await model.prior.run(
    {
      sample: new ort.Tensor('float32', sample, [1, d]),
      timestep: new ort.Tensor('float32', Float32Array.of(t), [1]),
      encoder_hidden_states: new ort.Tensor('float32', cond.data, [1, cond.tokens, width]),
    },
    ['out_sample'],
  );
  return out.out_sample.data as Float32Array;
}

/**
 * The prior's sampling loop with the model's scheduler (DDIM for easel-tiny-mesh) and
 * classifier-free guidance between the condition and its unconditional baseline (the empty
 * prompt, the blank view, or the negative prompt). Returns the latent the decoder reads
 * (denormalised with the prior's mean and std).
 */
export async function sampleLatent(model: MeshModel, cond: Condition, uncond: Condition, options: LatentSampling): Promise<Float32Array> {
  const { latent_dim: d, latent_mean: mean, latent_std: std } = model.config;
  const scheduler = createScheduler(String(model.schedulerConfig._class_name ?? 'DDIMScheduler'), model.schedulerConfig);
  scheduler.setTimesteps(options.steps);
  const noise = new SampleNoise(options.seed, 1);
  let x = noise.randn(d);
  for (let i = 0; i < d; i++) x[i] *= scheduler.initNoiseSigma;
  const total = scheduler.timesteps.length;
  for (let s = 0; s < total; s++) {
    if (options.signal?.aborted) throw new CancelledError();
    const t = scheduler.timesteps[s];
    const input = scheduler.scaleModelInput(x, t);
    const e = await denoise(model, input, t, cond);
    if (options.guidanceScale !== 1) {
      const e0 = await denoise(model, input, t, uncond);
      for (let i = 0; i < d; i++) e[i] = e0[i] + options.guidanceScale * (e[i] - e0[i]);
    }
    x = scheduler.step(e, t, x, noise);
    options.onStep?.(s + 1, total);
  }
  return Float32Array.from(x, (v, i) => v * std[i] + mean[i]);
}
