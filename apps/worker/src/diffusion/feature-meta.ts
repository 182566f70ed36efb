import type { GenerateResult } from '@easel/engine-diffusion';

/**
 * What the engine's optional features did, under the response meta's snake_case names: the
 * detected language and translated prompt (multi_lingual), the enhanced prompt, the highres fix's
 * base size and strength, the panorama's windows, the SAG scale, the refiner's split. Undefined when none ran.
 */
export function featureMeta(r: GenerateResult): Record<string, unknown> | undefined {
  const meta: Record<string, unknown> = {};
  if (r.prompt) {
    if (r.prompt.detectedLanguage !== undefined) {
      meta.detected_language = r.prompt.detectedLanguage;
      meta.translated = r.prompt.translated ? 'yes' : 'no';
      if (r.prompt.translatedPrompt !== undefined) meta.translated_prompt = r.prompt.translatedPrompt;
      if (r.prompt.translatedNegativePrompt !== undefined) meta.translated_negative_prompt = r.prompt.translatedNegativePrompt;
      if (r.prompt.untranslatedWords?.length) meta.untranslated_words = r.prompt.untranslatedWords;
    }
    if (r.prompt.enhancedPrompt !== undefined) meta.enhanced_prompt = r.prompt.enhancedPrompt;
    meta.prompt_used = r.prompt.used;
    if (r.prompt.note) meta.prompt_note = r.prompt.note;
  }
  if (r.highresFix) {
    meta.highres_fix_strength = r.highresFix.strength;
    meta.highres_fix_base_size = `${r.highresFix.baseWidth}x${r.highresFix.baseHeight}`;
    meta.highres_fix_upscaler = r.highresFix.upscaler;
    meta.highres_fix_applied = r.highresFix.applied ? 'yes' : 'no';
  }
  if (r.panorama) meta.panorama_windows = r.panorama.windows;
  if (r.selfAttention) meta.sag_scale = r.selfAttention.scale;
  if (r.refiner) {
    meta.refiner_applied = 'yes';
    meta.refiner_switch_at = r.refiner.switchAt;
    meta.refiner_base_steps = r.refiner.baseSteps;
    meta.refiner_steps = r.refiner.refinerSteps;
  }
  return Object.keys(meta).length > 0 ? meta : undefined;
}
