import { DEFAULT_HIGHRES_STRENGTH } from '@easel/engine-diffusion';
import { HIGHRES_DEFAULT_STRENGTH, priceOf, priceOfSuperResolution } from './pricing';

describe('priceOf', () => {
  const base = { modelId: 'easel-tiny', width: 512, height: 512, steps: 20, samples: 1 };

  it('charges one credit for a 512×512 image at 20 steps and scales with samples, steps and pixels', () => {
    expect(priceOf(base)).toBe(1);
    expect(priceOf({ ...base, samples: 4 })).toBe(4);
    expect(priceOf({ ...base, steps: 40 })).toBe(2);
    expect(priceOf({ ...base, width: 1024, height: 512 })).toBe(2);
    expect(priceOf({ ...base, width: 128, height: 128 })).toBe(0.063);
  });

  it('uses the model row of the table when there is one, and never charges zero', () => {
    expect(priceOf(base, { default: 1, 'easel-tiny': 0.5 })).toBe(0.5);
    expect(priceOf({ ...base, width: 8, height: 8, steps: 1 }, { default: 1 })).toBe(0.001);
  });

  it('adds the upscaled pixels of every output when upscale is asked for', () => {
    expect(priceOf({ ...base, upscale: 2 })).toBe(1.25);
    expect(priceOf({ ...base, samples: 2, upscale: 4 })).toBe(4);
    expect(priceOf({ ...base, upscale: null })).toBe(1);
  });

  it('charges highres_fix its refining pass: steps × strength more at the target size', () => {
    expect(priceOf({ ...base, highresFix: { strength: 0.5 } })).toBe(1.5);
    expect(priceOf({ ...base, samples: 2, highresFix: { strength: null } })).toBe(2 * (1 + DEFAULT_HIGHRES_STRENGTH));
    expect(HIGHRES_DEFAULT_STRENGTH).toBe(DEFAULT_HIGHRES_STRENGTH);
  });

  it('prices super_resolution by its output megapixels for a 512×512 input', () => {
    expect(priceOfSuperResolution(2)).toBe(0.25);
    expect(priceOfSuperResolution(4)).toBe(1);
  });
});
