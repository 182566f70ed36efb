import type { PhaseTimings } from '@easel/engine-diffusion';

/**
 * An engine run's phases in seconds (ms precision): the `timings` of job results and gRPC answers.
 * The optional features add theirs (`self_attention`, `panorama_blend`, `highres_base`,
 * `highres_upscale`, `highres_refine`, `multi_lingual`, `enhance_prompt`; see PhaseTimings).
 */
export function phaseSeconds(t: PhaseTimings): Record<string, number> {
  const s = (ms: number) => Math.round(ms) / 1000;
  const features = Object.fromEntries(Object.entries(t.phasesMs ?? {}).map(([name, ms]) => [name, s(ms)]));
  return {
    ...features,
    total: s(t.totalMs),
    text_encoder: s(t.textEncoderMs),
    unet: s(t.unetMs.reduce((a, b) => a + b, 0)),
    vae_encode: s(t.vaeEncodeMs),
    vae_decode: s(t.vaeDecodeMs),
    image_io: s(t.imageIoMs),
  };
}
