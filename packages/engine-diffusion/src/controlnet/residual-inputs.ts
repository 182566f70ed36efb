import * as ort from 'onnxruntime-node';
import type { Graph } from '../model/session';

const DOWN_INPUT = /^down_block_additional_residual_(\d+)$/;
export const MID_INPUT = 'mid_block_additional_residual';

/** The names that `pattern` numbers (its first group), in the order of their numbers: down_block_…_0, _1, … _11. */
export function numberedNames(names: Iterable<string>, pattern: RegExp): string[] {
  return [...names]
    .map((name) => ({ name, index: pattern.exec(name)?.[1] }))
    .filter((x): x is { name: string; index: string } => x.index !== undefined)
    .sort((a, b) => Number(a.index) - Number(b.index))
    .map((x) => x.name);
}

/** The UNet inputs a ControlNet feeds, in order: one per skip connection, then the middle block's. */
export interface ResidualInputs {
  down: string[];
  mid: string;
  /** Channels of each down input, then of the mid input (from the graph's metadata). */
  channels: number[];
}

/**
 * The residual inputs of a UNet exported to take a ControlNet's outputs (diffusers'
 * `down_block_additional_residuals` / `mid_block_additional_residual`, one input per tensor), or
 * undefined for a plain UNet.
 */
export function unetResidualInputs(unet: Graph): ResidualInputs | undefined {
  const down = numberedNames(unet.inputs.keys(), DOWN_INPUT);
  if (down.length === 0 || !unet.inputs.has(MID_INPUT)) return undefined;
  const channels = [...down, MID_INPUT].map((name) => Number(unet.input(name).shape[1]));
  return { down, mid: MID_INPUT, channels };
}

/**
 * Zero residuals for a UNet run without a ControlNet: [1, C, 1, 1] each, which the graph's Add
 * broadcasts over any batch and size (x + 0 = x, so the output is the plain UNet's, bit for bit).
 */
export function zeroResidualFeeds(inputs: ResidualInputs): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  [...inputs.down, inputs.mid].forEach((name, i) => {
    const c = inputs.channels[i]!;
    feeds[name] = new ort.Tensor('float32', new Float32Array(c), [1, c, 1, 1]);
  });
  return feeds;
}
