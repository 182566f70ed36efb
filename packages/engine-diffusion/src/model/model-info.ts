import type { SchedulerConfig } from '../schedulers/scheduler';
import type { ModelFamily } from './model-family';

/** What the pipeline needs to know about a model, all read from its configs and graphs. */
export interface ModelInfo {
  dir: string;
  family: ModelFamily;
  /** SDXL base (model_index `force_zeros_for_empty_prompt`): an empty negative prompt conditions on zeros. */
  forceZerosForEmptyPrompt: boolean;
  /** SDXL's UNet `time_ids` width: 6 (sizes and crop) for the base, 5 (with the aesthetic score) for the refiner; 0 otherwise. */
  timeIds: number;
  /** Channels of the latent space (the UNet's output channels). */
  latentChannels: number;
  /** UNet `sample` channels: latentChannels, or 2·latentChannels + 1 for inpainting UNets. */
  unetInChannels: number;
  isInpaintUnet: boolean;
  /** Pixels per latent cell (8 for SD). */
  vaeScaleFactor: number;
  /** VAE latent scaling (SD 1.x/2.x 0.18215). */
  scalingFactor: number;
  predictionType: 'epsilon' | 'v_prediction' | 'sample';
  /** Element type of the UNet `timestep` input. */
  timestepType: 'int64' | 'float32';
  /** Whether the UNet `timestep` is a fixed size-1 tensor (else one per batch row). */
  timestepIsScalarBatch: boolean;
  /** Width of the text encoder's hidden states (768 for SD 1.x, 1024 for SD 2.x). */
  textWidth: number;
  /** Tokens per text-encoder call (77 for CLIP). */
  sequenceLength: number;
  /** Names of the text encoder's per-layer hidden-state outputs, in layer order (empty when it has none). */
  hiddenStateOutputs: string[];
  hasVaeEncoder: boolean;
  /** Default image side: fixed UNet sample size, else unet config sample_size, times the VAE factor; else vae sample_size; else 512. */
  nativeSize: number;
  schedulerConfig: SchedulerConfig;
  /** Sum of the .onnx file sizes (the cache's memory estimate). */
  bytes: number;
}

export interface VaeConfig {
  block_out_channels?: number[];
  latent_channels?: number;
  scaling_factor?: number;
  sample_size?: number;
}

export interface UnetConfig {
  cross_attention_dim?: number;
  in_channels?: number;
  out_channels?: number;
  prediction_type?: string;
  sample_size?: number;
}

export function dim(shape: ReadonlyArray<number | string> | undefined, i: number): number | undefined {
  const d = shape?.[i];
  return typeof d === 'number' && d > 0 ? d : undefined;
}

/** diffusers: `2 ** (len(vae.config.block_out_channels) - 1)`. */
export function vaeFactorFromConfig(cfg: VaeConfig | undefined): number | undefined {
  const n = cfg?.block_out_channels?.length;
  return n && n > 0 ? 2 ** (n - 1) : undefined;
}

export function predictionTypeOf(...values: unknown[]): ModelInfo['predictionType'] {
  for (const v of values) if (v === 'epsilon' || v === 'v_prediction' || v === 'sample') return v;
  return 'epsilon';
}
