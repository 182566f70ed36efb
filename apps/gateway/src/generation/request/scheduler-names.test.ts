import {
  SCHEDULER_NAMES,
  canonicalSchedulerName,
  createScheduler,
  isSchedulerName,
} from '@easel/engine-diffusion';
import {
  SCHEDULER_CLASS_NAMES,
  knownSchedulerKeys,
  lookupScheduler,
  schedulerDisplayName,
} from './scheduler-names';

describe('scheduler display names', () => {
  it.each([
    ['DPM++ 2M', 'DPMSolverMultistepScheduler'],
    ['dpmsolver++', 'DPMSolverMultistepScheduler'],
    ['DPMSolverMultistep', 'DPMSolverMultistepScheduler'],
    ['DPMSolverMultistepScheduler', 'DPMSolverMultistepScheduler'],
    ['DPM++ 2M Karras', 'DPMSolverMultistepScheduler'],
    ['DPM++ 2M SDE', 'DPMSolverMultistepScheduler'],
    ['Euler', 'EulerDiscreteScheduler'],
    ['Euler a', 'EulerAncestralDiscreteScheduler'],
    ['euler_a', 'EulerAncestralDiscreteScheduler'],
    ['UniPC', 'UniPCMultistepScheduler'],
    ['ddim', 'DDIMScheduler'],
    ['LCM', 'LCMScheduler'],
    ['k_lms', 'LMSDiscreteScheduler'],
  ])('%s → %s', (name, className) => {
    expect(schedulerDisplayName(name)).toBe(className);
  });

  it('echoes a name it does not know as the client wrote it', () => {
    expect(schedulerDisplayName('MyOwnScheduler')).toBe('MyOwnScheduler');
    expect(lookupScheduler('MyOwnScheduler')).toBeNull();
  });

  it('knows what a label implies', () => {
    expect(lookupScheduler('DPM++ 2M Karras')).toEqual({
      className: 'DPMSolverMultistepScheduler',
      karras: true,
    });
    expect(lookupScheduler('DPM++ 2M SDE Karras')).toEqual({
      className: 'DPMSolverMultistepScheduler',
      karras: true,
      algorithmType: 'sde-dpmsolver++',
    });
    expect(lookupScheduler('Euler')).toEqual({ className: 'EulerDiscreteScheduler' });
  });
});

describe('agreement with the engine registry (packages/engine-diffusion)', () => {
  it('lists the same scheduler classes', () => {
    expect([...SCHEDULER_CLASS_NAMES].sort()).toEqual([...SCHEDULER_NAMES].sort());
  });

  it('resolves every spelling it knows to the class the engine picks', () => {
    for (const key of knownSchedulerKeys()) {
      expect(isSchedulerName(key)).toBe(true);
      expect([key, schedulerDisplayName(key)]).toEqual([key, canonicalSchedulerName(key)]);
    }
  });

  it('implies the same Karras sigmas and algorithm type as the engine', () => {
    for (const key of knownSchedulerKeys()) {
      const label = lookupScheduler(key)!;
      const { config } = createScheduler(key) as unknown as { config: Record<string, unknown> };
      // An option the label does not imply is left to the scheduler's own default (no Karras sigmas).
      expect([key, config.use_karras_sigmas === true]).toEqual([key, label.karras === true]);
      if (label.algorithmType !== undefined)
        expect([key, config.algorithm_type]).toEqual([key, label.algorithmType]);
    }
  });
});
