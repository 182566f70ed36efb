import {
  canonicalSchedulerName,
  createScheduler,
  DPMSolverMultistepScheduler,
  EulerDiscreteScheduler,
  isSchedulerName,
  SCHEDULER_NAMES,
  UnknownSchedulerError,
} from './index';

describe('scheduler registry', () => {
  it('lists the 14 diffusers class names', () => {
    expect(SCHEDULER_NAMES).toHaveLength(14);
    for (const name of SCHEDULER_NAMES) {
      const s = createScheduler(name, {});
      expect(s.name).toBe(name);
      expect(canonicalSchedulerName(name)).toBe(name);
      expect(canonicalSchedulerName(name.replace(/Scheduler$/, ''))).toBe(name);
    }
  });

  it.each([
    ['Euler', 'EulerDiscreteScheduler'],
    ['k_euler', 'EulerDiscreteScheduler'],
    ['Euler a', 'EulerAncestralDiscreteScheduler'],
    ['euler_a', 'EulerAncestralDiscreteScheduler'],
    ['euler_ancestral', 'EulerAncestralDiscreteScheduler'],
    ['k_euler_a', 'EulerAncestralDiscreteScheduler'],
    ['DPM++ 2M', 'DPMSolverMultistepScheduler'],
    ['DPM++ 2M Karras', 'DPMSolverMultistepScheduler'],
    ['DPM++ 2M SDE', 'DPMSolverMultistepScheduler'],
    ['DPM++ 2M SDE Karras', 'DPMSolverMultistepScheduler'],
    ['dpmsolver++', 'DPMSolverMultistepScheduler'],
    ['dpmpp_2m', 'DPMSolverMultistepScheduler'],
    ['DPMSolverMultistepScheduler', 'DPMSolverMultistepScheduler'],
    ['dpmsolvermultistep', 'DPMSolverMultistepScheduler'],
    ['DPM++ SDE', 'DPMSolverSinglestepScheduler'],
    ['DPM++ SDE Karras', 'DPMSolverSinglestepScheduler'],
    ['DDIM', 'DDIMScheduler'],
    ['ddpm', 'DDPMScheduler'],
    ['PNDM', 'PNDMScheduler'],
    ['PLMS', 'PNDMScheduler'],
    ['LMS', 'LMSDiscreteScheduler'],
    ['LMS Karras', 'LMSDiscreteScheduler'],
    ['Heun', 'HeunDiscreteScheduler'],
    ['DPM2', 'KDPM2DiscreteScheduler'],
    ['DPM2 a', 'KDPM2AncestralDiscreteScheduler'],
    ['DPM2 Karras', 'KDPM2DiscreteScheduler'],
    ['UniPC', 'UniPCMultistepScheduler'],
    ['DEIS', 'DEISMultistepScheduler'],
    ['LCM', 'LCMScheduler'],
    ['k_dpmpp_2m', 'DPMSolverMultistepScheduler'],
    ['dpmpp_2m_sde', 'DPMSolverMultistepScheduler'],
    ['k_lms', 'LMSDiscreteScheduler'],
    ['k_dpm_2_ancestral', 'KDPM2AncestralDiscreteScheduler'],
    ['DPM++ 2S a', 'DPMSolverSinglestepScheduler'],
    ['uni_pc', 'UniPCMultistepScheduler'],
    ['  euler   A ', 'EulerAncestralDiscreteScheduler'],
    ['EULERDISCRETESCHEDULER', 'EulerDiscreteScheduler'],
  ])('%s → %s', (alias, canonical) => {
    expect(isSchedulerName(alias)).toBe(true);
    expect(canonicalSchedulerName(alias)).toBe(canonical);
    expect(createScheduler(alias, {}).name).toBe(canonical);
  });

  it('applies the options a label implies, unless given explicitly', () => {
    const karras = createScheduler('DPM++ 2M Karras', {}) as DPMSolverMultistepScheduler;
    expect(karras.config.use_karras_sigmas).toBe(true);
    expect(karras.config.algorithm_type).toBe('dpmsolver++');
    const sde = createScheduler('DPM++ 2M SDE', {}) as DPMSolverMultistepScheduler;
    expect(sde.config.algorithm_type).toBe('sde-dpmsolver++');
    expect(sde.config.use_karras_sigmas).toBe(false);
    const explicit = createScheduler('DPM++ 2M Karras', {}, { useKarrasSigmas: false, algorithmType: 'sde-dpmsolver++' }) as DPMSolverMultistepScheduler;
    expect(explicit.config.use_karras_sigmas).toBe(false);
    expect(explicit.config.algorithm_type).toBe('sde-dpmsolver++');
    const fromConfig = createScheduler('dpmsolver++', { use_karras_sigmas: true }) as DPMSolverMultistepScheduler;
    expect(fromConfig.config.use_karras_sigmas).toBe(true);
  });

  it('reads scheduler_config.json keys and ignores foreign ones', () => {
    const euler = createScheduler('Euler', {
      _class_name: 'PNDMScheduler',
      beta_schedule: 'scaled_linear',
      steps_offset: 1,
      skip_prk_steps: true,
      timestep_spacing: 'leading',
    }) as EulerDiscreteScheduler;
    expect(euler.config.beta_schedule).toBe('scaled_linear');
    expect(euler.config.steps_offset).toBe(1);
    expect(euler.config.prediction_type).toBe('epsilon');
    euler.setTimesteps(10);
    expect(euler.timesteps).toEqual([901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
  });

  it('throws UnknownSchedulerError with the name and the valid names', () => {
    const attempt = (): unknown => createScheduler('Euler b', {});
    expect(attempt).toThrow(UnknownSchedulerError);
    try {
      attempt();
    } catch (err) {
      expect(err).toBeInstanceOf(Error);
      const e = err as UnknownSchedulerError;
      expect(e.schedulerName).toBe('Euler b');
      expect(e.name).toBe('UnknownSchedulerError');
      for (const n of SCHEDULER_NAMES) expect(e.message).toContain(n);
    }
    expect(() => canonicalSchedulerName('')).toThrow(UnknownSchedulerError);
    expect(isSchedulerName('nope')).toBe(false);
  });

  it('rejects unsupported algorithm types', () => {
    expect(() => createScheduler('DPMSolverMultistep', {}, { algorithmType: 'dpmsolver' })).toThrow(/algorithm_type/);
  });
});
