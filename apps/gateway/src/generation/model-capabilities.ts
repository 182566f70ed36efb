import { join } from 'node:path';
import { cachedOnnxGraphOutputs, type ModelEntry } from '@easel/model-store';
import type { FieldErrors, GenerationRequest } from './request';

/** The UNet output self-attention guidance reads (the engine's MID_ATTENTION_OUTPUT). */
const MID_ATTENTION_OUTPUT = 'mid_attention_probs';

/**
 * Options that depend on what the chosen model's graphs export, checked before the job is queued
 * (and paid for): `self_attention` needs a UNet that outputs the mid block's self-attention
 * probabilities (models/easel-tiny does; SD exports do not). A model whose graph cannot be read
 * here is left to the worker, which fails the job with the engine's own error.
 */
export async function modelCapabilityErrors(req: GenerationRequest, model: ModelEntry): Promise<FieldErrors> {
  const errors: FieldErrors = {};
  if (req.selfAttention) {
    const outputs = await cachedOnnxGraphOutputs(join(model.location, 'unet', 'model.onnx')).catch(() => null);
    if (outputs && !outputs.includes(MID_ATTENTION_OUTPUT)) {
      errors.self_attention = [`The self attention option is unsupported for this model: its UNet does not output ${MID_ATTENTION_OUTPUT}.`];
    }
  }
  return errors;
}
