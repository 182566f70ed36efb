import { join } from 'node:path';
import { cachedOnnxGraphOutputs, type ModelEntry } from '@easel/model-store';
import { familyCapabilityErrors } from './family-capabilities';
import type { FieldErrors, GenerationRequest } from './request';

/** The UNet output self-attention guidance reads (the engine's MID_ATTENTION_OUTPUT). */
const MID_ATTENTION_OUTPUT = 'mid_attention_probs';

/** The text encoder outputs clip_skip reads: optimum's output_hidden_states names (the engine's HIDDEN_STATE). */
const HIDDEN_STATE = /^hidden_states[._](\d+)$/;

const graphOutputs = (model: ModelEntry, graph: string) =>
  cachedOnnxGraphOutputs(join(model.location, graph, 'model.onnx')).catch(() => null);

/**
 * Options that depend on what the chosen model's graphs export, checked before the job is queued
 * (and paid for): `self_attention` needs a UNet that outputs the mid block's self-attention
 * probabilities (models/easel-tiny does; SD exports do not); `clip_skip` n > 1 needs a text encoder
 * exporting at least n hidden states (the engine conditions on the n-th from the end). A model whose
 * graph cannot be read here is left to the worker, which fails the job with the engine's own error.
 */
export async function modelCapabilityErrors(req: GenerationRequest, model: ModelEntry): Promise<FieldErrors> {
  const errors: FieldErrors = await familyCapabilityErrors(req, model);
  if (req.selfAttention && !errors.self_attention) {
    const outputs = await graphOutputs(model, 'unet');
    if (outputs && !outputs.includes(MID_ATTENTION_OUTPUT)) {
      errors.self_attention = [
        `The self attention option is unsupported for this model: its UNet does not output ${MID_ATTENTION_OUTPUT}.`,
      ];
    }
  }
  if (req.clipSkip > 1 && !errors.clip_skip) {
    const outputs = await graphOutputs(model, 'text_encoder');
    if (outputs && outputs.filter((name) => HIDDEN_STATE.test(name)).length < req.clipSkip) {
      errors.clip_skip = [
        `The clip skip ${req.clipSkip} option is unsupported for this model: its text encoder does not output its hidden states (hidden_states.N).`,
      ];
    }
  }
  return errors;
}
