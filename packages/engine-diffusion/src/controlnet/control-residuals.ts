import * as ort from 'onnxruntime-node';
import type { ControlNetModel } from './controlnet-model';
import { zeroResidualFeeds, type ResidualInputs } from './residual-inputs';

/** One ControlNet of a generation, loaded, with its hint ([3, H, W] in [0, 1]) and schedule. */
export interface ActiveControlNet {
  model: ControlNetModel;
  hint: Float32Array;
  scale: number;
  /** control_guidance_start / _end: the fraction of the steps it acts in. */
  start: number;
  end: number;
}

export interface ControlResidualOptions {
  inputs: ResidualInputs;
  nets: ActiveControlNet[];
  samples: number;
  guidance: boolean;
  /** diffusers' guess mode: the ControlNets see the conditional rows only, their residuals ramped. */
  guessMode: boolean;
  /** Text states of all the UNet's rows: [uncond × n; cond × n] (cond × n without guidance). */
  textStates: ort.Tensor;
  width: number;
  height: number;
  /** The denoising loop's timesteps: a step's index decides which ControlNets act in it. */
  timesteps: readonly number[];
  /** Each ControlNet `run`'s milliseconds are pushed here. */
  controlMs?: number[];
}

/** The UNet's residual feeds for scaled latents [n, C, h, w] at timestep `t`. */
export type ResidualFeeds = (scaled: Float32Array, t: number, h: number, w: number) => Promise<Record<string, ort.Tensor>>;

/** diffusers' guess-mode ramp: torch.logspace(-1, 0, n + 1); the middle block gets the last (1). */
export function guessModeScales(nDown: number): number[] {
  return Array.from({ length: nDown + 1 }, (_, k) => 10 ** (-1 + k / nDown));
}

/** Whether a ControlNet acts at step i of `total` (diffusers' `controlnet_keep`). */
export function controlActive(i: number, total: number, start: number, end: number): boolean {
  return !(i / total < start || (i + 1) / total > end);
}

/**
 * diffusers' StableDiffusionControlNetPipeline step, before the UNet call: every ControlNet that
 * acts at this step runs on the latents with its hint and its conditioning scale, and their
 * residuals are summed (multi-ControlNet). In guess mode with classifier-free guidance the
 * ControlNets run on the conditional rows only and the unconditional rows get zeros.
 */
export function createControlResiduals(o: ControlResidualOptions): ResidualFeeds {
  const { samples: n, inputs } = o;
  const B = o.guidance ? 2 * n : n;
  const condOnly = o.guessMode && o.guidance;
  const rows = condOnly ? n : B;
  const names = [...inputs.down, inputs.mid];
  const ramp = o.guessMode ? guessModeScales(inputs.down.length) : undefined;
  const [, seq, width] = o.textStates.dims as number[];
  const states = condOnly
    ? new ort.Tensor('float32', (o.textStates.data as Float32Array).subarray(n * seq! * width!), [n, seq!, width!])
    : o.textStates;
  const plane = o.width * o.height;
  const hints = o.nets.map(({ hint }) => {
    const data = new Float32Array(rows * 3 * plane);
    for (let r = 0; r < rows; r++) data.set(hint, r * 3 * plane);
    return new ort.Tensor('float32', data, [rows, 3, o.height, o.width]);
  });

  const zeros = zeroResidualFeeds(inputs);
  /** Each net's hint input: its hint embedding (computed once, at the first step it acts), or the hint itself. */
  const hintFeeds = new Map<ActiveControlNet, Record<string, ort.Tensor>>();
  const hintFeed = async (net: ActiveControlNet, hint: ort.Tensor): Promise<Record<string, ort.Tensor>> => {
    const split = net.model.hint;
    if (!split) return { controlnet_cond: hint };
    let feeds = hintFeeds.get(net);
    if (!feeds) {
      const start = performance.now();
      const out = await split.graph.run({ controlnet_cond: hint }, split.outputs);
      o.controlMs?.push(performance.now() - start);
      feeds = Object.fromEntries(split.outputs.map((name) => [name, out[name]!]));
      hintFeeds.set(net, feeds);
    }
    return feeds;
  };

  return async (scaled, t, h, w) => {
    const step = o.timesteps.indexOf(t);
    const acting = o.nets
      .map((net, i) => ({ net, hint: hints[i]! }))
      .filter(({ net }) => step < 0 || controlActive(step, o.timesteps.length, net.start, net.end));
    if (acting.length === 0) return zeros;
    const C = scaled.length / (n * h * w);
    const per = C * h * w;
    const sample = new Float32Array(rows * per);
    for (let r = 0; r < rows; r++) sample.set(scaled.subarray((r % n) * per, ((r % n) + 1) * per), r * per);
    const sampleTensor = new ort.Tensor('float32', sample, [rows, C, h, w]);
    const sums: { data: Float32Array; dims: number[] }[] = [];
    for (const { net, hint } of acting) {
      const { graph, down, mid, takesScale } = net.model;
      const tsType = graph.input('timestep').type === 'int64' ? 'int64' : 'float32';
      const timestep = tsType === 'int64' ? new ort.Tensor('int64', BigInt64Array.from([BigInt(Math.trunc(t))]), [1]) : new ort.Tensor('float32', Float32Array.from([t]), [1]);
      const feeds: Record<string, ort.Tensor> = { sample: sampleTensor, timestep, encoder_hidden_states: states, ...(await hintFeed(net, hint)) };
      if (takesScale) {
        const rank = graph.input('conditioning_scale').shape.length;
        feeds.conditioning_scale = new ort.Tensor('float32', Float32Array.from([net.scale]), rank === 0 ? [] : [1]);
      }
      const start = performance.now();
      const out = await graph.run(feeds, [...down, mid]);
      o.controlMs?.push(performance.now() - start);
      const factor = takesScale ? 1 : net.scale;
      [...down, mid].forEach((name, k) => {
        const tensor = out[name]!;
        const data = tensor.data as Float32Array;
        const gain = factor * (ramp ? ramp[k]! : 1);
        if (!sums[k] && acting.length === 1 && gain === 1) {
          sums[k] = { data, dims: tensor.dims as number[] }; // one ControlNet, unscaled: its output as it is
        } else if (!sums[k]) {
          const copy = new Float32Array(data.length);
          for (let i = 0; i < data.length; i++) copy[i] = data[i]! * gain;
          sums[k] = { data: copy, dims: tensor.dims as number[] };
        } else {
          const acc = sums[k]!.data;
          for (let i = 0; i < data.length; i++) acc[i]! += data[i]! * gain;
        }
      });
    }
    const feeds: Record<string, ort.Tensor> = {};
    names.forEach((name, k) => {
      const { data, dims } = sums[k]!;
      if (!condOnly) {
        feeds[name] = new ort.Tensor('float32', data, dims);
        return;
      }
      // unconditional rows first, as zeros: the UNet's batch is [uncond × n; cond × n]
      const full = new Float32Array(2 * data.length);
      full.set(data, data.length);
      feeds[name] = new ort.Tensor('float32', full, [B, ...dims.slice(1)]);
    });
    return feeds;
  };
}
