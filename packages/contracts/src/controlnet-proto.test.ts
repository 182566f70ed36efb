import type { ControlNetParams } from './controlnet';
import type { DiffusionParams } from './diffusion';
import { decodeJobPayload, encodeJobPayload } from './job-payload';
import { MalformedMessageError } from './malformed-message';
import { serviceOfKind } from './services';

const generation: DiffusionParams = {
  kind: 'img2img', prompt: 'a red circle', negativePrompt: null, width: 128, height: 128, samples: 1, steps: 20,
  guidanceScale: 7.5, seed: 42, scheduler: null, useKarrasSigmas: false, algorithmType: null, clipSkip: 1,
  strength: 0.55, initImage: 'https://example.com/init.png', maskImage: null, outputFormat: 'png', temp: false,
  highresFix: false, highresFixStrength: null, panorama: false, selfAttention: false, multiLingual: false,
  enhancePrompt: false, outpaint: null, safetyChecker: true, safetyCheckerType: 'blank', upscale: null, loraModel: [], loraStrength: [], embeddingsModel: [], refinerModel: null,
};

const params: ControlNetParams = {
  kind: 'controlnet',
  generation,
  controlnets: [
    { model: 'canny', type: 'canny', scale: 0.8, guidanceStart: null, guidanceEnd: null },
    { model: 'segmentation', type: 'segmentation', scale: 1.25, guidanceStart: 0.1, guidanceEnd: 0.9 },
  ],
  controlImage: 'data:image/png;base64,iVBORw0KGgo=',
  autoHint: true,
  guessMode: true,
  temp: false,
};

describe('controlnet jobs on the bus', () => {
  it('round-trip as a controlnet.v1.GenerateRequest inside JobPayload, on the controlnet service', () => {
    expect(serviceOfKind('controlnet')).toBe('controlnet');
    const job = { jobId: 7, tenantId: 't1', kind: 'controlnet', modelId: 'easel-tiny', artifactToken: 'tok', params };
    const back = decodeJobPayload(encodeJobPayload(job));
    expect(back).toEqual(job);
  });

  it('refuses a request that names no ControlNet', () => {
    const job = { jobId: 7, tenantId: 't1', kind: 'controlnet', modelId: null, artifactToken: 'tok', params: { ...params, controlnets: [] } };
    expect(() => decodeJobPayload(encodeJobPayload(job))).toThrow(MalformedMessageError);
  });
});
