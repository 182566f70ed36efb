import type { PhaseTimings } from '@easel/engine-diffusion';

/** An engine run's phases in seconds (ms precision): the `timings` of job results and gRPC answers. */
export function phaseSeconds(t: PhaseTimings): Record<string, number> {
  const s = (ms: number) => Math.round(ms) / 1000;
  return {
    total: s(t.totalMs),
    text_encoder: s(t.textEncoderMs),
    unet: s(t.unetMs.reduce((a, b) => a + b, 0)),
    vae_encode: s(t.vaeEncodeMs),
    vae_decode: s(t.vaeDecodeMs),
    image_io: s(t.imageIoMs),
  };
}
