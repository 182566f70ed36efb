import { DDIMScheduler } from './ddim';
import { DDPMScheduler } from './ddpm';
import { DEISMultistepScheduler } from './deis-multistep';
import { DPMSolverMultistepScheduler } from './dpm-solver-multistep';
import { DPMSolverSinglestepScheduler } from './dpm-solver-singlestep';
import { EulerAncestralDiscreteScheduler } from './euler-ancestral-discrete';
import { EulerDiscreteScheduler } from './euler-discrete';
import { HeunDiscreteScheduler } from './heun-discrete';
import { KDPM2AncestralDiscreteScheduler } from './kdpm2-ancestral-discrete';
import { KDPM2DiscreteScheduler } from './kdpm2-discrete';
import { LCMScheduler } from './lcm';
import { LMSDiscreteScheduler } from './lms-discrete';
import { PNDMScheduler } from './pndm';
import type { Scheduler, SchedulerConfig } from './scheduler';
import { UniPCMultistepScheduler } from './unipc-multistep';

const CONSTRUCTORS = {
  DDPMScheduler,
  DDIMScheduler,
  PNDMScheduler,
  LMSDiscreteScheduler,
  EulerDiscreteScheduler,
  EulerAncestralDiscreteScheduler,
  HeunDiscreteScheduler,
  DPMSolverMultistepScheduler,
  DPMSolverSinglestepScheduler,
  KDPM2DiscreteScheduler,
  KDPM2AncestralDiscreteScheduler,
  UniPCMultistepScheduler,
  DEISMultistepScheduler,
  LCMScheduler,
} satisfies Record<string, new (config?: SchedulerConfig) => Scheduler>;

export type SchedulerName = keyof typeof CONSTRUCTORS;

/** Canonical diffusers class names, in the order the API documents them. */
export const SCHEDULER_NAMES = Object.keys(CONSTRUCTORS) as readonly SchedulerName[];

export interface SchedulerOptions {
  useKarrasSigmas?: boolean;
  algorithmType?: string;
}

interface AliasTarget {
  name: SchedulerName;
  karras?: boolean;
  algorithmType?: string;
}

/**
 * A1111 labels as diffusers' docs map them (e.g. "DPM++ SDE" → DPMSolverSinglestep, which is
 * what diffusers recommends in place of k-diffusion's Brownian-tree sampler) plus common aliases.
 * Keys are normalised: lowercase, without spaces, '-', '_' or '.'.
 */
const ALIASES: Record<string, AliasTarget> = {
  ddpm: { name: 'DDPMScheduler' },
  ddim: { name: 'DDIMScheduler' },
  pndm: { name: 'PNDMScheduler' },
  plms: { name: 'PNDMScheduler' },
  lms: { name: 'LMSDiscreteScheduler' },
  klms: { name: 'LMSDiscreteScheduler' },
  lmskarras: { name: 'LMSDiscreteScheduler', karras: true },
  euler: { name: 'EulerDiscreteScheduler' },
  keuler: { name: 'EulerDiscreteScheduler' },
  eulerkarras: { name: 'EulerDiscreteScheduler', karras: true },
  eulera: { name: 'EulerAncestralDiscreteScheduler' },
  keulera: { name: 'EulerAncestralDiscreteScheduler' },
  eulerancestral: { name: 'EulerAncestralDiscreteScheduler' },
  keulerancestral: { name: 'EulerAncestralDiscreteScheduler' },
  heun: { name: 'HeunDiscreteScheduler' },
  kheun: { name: 'HeunDiscreteScheduler' },
  heunkarras: { name: 'HeunDiscreteScheduler', karras: true },
  dpm2: { name: 'KDPM2DiscreteScheduler' },
  kdpm2: { name: 'KDPM2DiscreteScheduler' },
  kdpm2karras: { name: 'KDPM2DiscreteScheduler', karras: true },
  dpm2karras: { name: 'KDPM2DiscreteScheduler', karras: true },
  dpm2a: { name: 'KDPM2AncestralDiscreteScheduler' },
  kdpm2a: { name: 'KDPM2AncestralDiscreteScheduler' },
  dpm2ancestral: { name: 'KDPM2AncestralDiscreteScheduler' },
  kdpm2ancestral: { name: 'KDPM2AncestralDiscreteScheduler' },
  dpm2akarras: { name: 'KDPM2AncestralDiscreteScheduler', karras: true },
  'dpm++2m': { name: 'DPMSolverMultistepScheduler' },
  dpmpp2m: { name: 'DPMSolverMultistepScheduler' },
  kdpmpp2m: { name: 'DPMSolverMultistepScheduler' },
  'dpmsolver++': { name: 'DPMSolverMultistepScheduler' },
  dpmsolver: { name: 'DPMSolverMultistepScheduler' },
  dpmsolvermultistep: { name: 'DPMSolverMultistepScheduler' },
  'dpm++2mkarras': { name: 'DPMSolverMultistepScheduler', karras: true },
  dpmpp2mkarras: { name: 'DPMSolverMultistepScheduler', karras: true },
  'dpm++2msde': { name: 'DPMSolverMultistepScheduler', algorithmType: 'sde-dpmsolver++' },
  dpmpp2msde: { name: 'DPMSolverMultistepScheduler', algorithmType: 'sde-dpmsolver++' },
  kdpmpp2msde: { name: 'DPMSolverMultistepScheduler', algorithmType: 'sde-dpmsolver++' },
  'sdedpmsolver++': { name: 'DPMSolverMultistepScheduler', algorithmType: 'sde-dpmsolver++' },
  'dpm++2msdekarras': { name: 'DPMSolverMultistepScheduler', karras: true, algorithmType: 'sde-dpmsolver++' },
  dpmpp2msdekarras: { name: 'DPMSolverMultistepScheduler', karras: true, algorithmType: 'sde-dpmsolver++' },
  'dpm++sde': { name: 'DPMSolverSinglestepScheduler' },
  dpmppsde: { name: 'DPMSolverSinglestepScheduler' },
  kdpmppsde: { name: 'DPMSolverSinglestepScheduler' },
  'dpm++sdekarras': { name: 'DPMSolverSinglestepScheduler', karras: true },
  dpmppsdekarras: { name: 'DPMSolverSinglestepScheduler', karras: true },
  'dpm++2s': { name: 'DPMSolverSinglestepScheduler' },
  dpmpp2s: { name: 'DPMSolverSinglestepScheduler' },
  // diffusers has no ancestral 2S; its docs point "DPM++ 2S a" at the (deterministic) singlestep solver.
  'dpm++2sa': { name: 'DPMSolverSinglestepScheduler' },
  dpmpp2sa: { name: 'DPMSolverSinglestepScheduler' },
  dpmpp2sancestral: { name: 'DPMSolverSinglestepScheduler' },
  'dpm++2sakarras': { name: 'DPMSolverSinglestepScheduler', karras: true },
  dpmsinglestep: { name: 'DPMSolverSinglestepScheduler' },
  dpmsolversinglestep: { name: 'DPMSolverSinglestepScheduler' },
  unipc: { name: 'UniPCMultistepScheduler' },
  deis: { name: 'DEISMultistepScheduler' },
  lcm: { name: 'LCMScheduler' },
};

function normalise(name: string): string {
  return name.toLowerCase().replace(/[\s_.-]+/g, '');
}

const BY_KEY = new Map<string, AliasTarget>();
for (const canonical of SCHEDULER_NAMES) {
  BY_KEY.set(normalise(canonical), { name: canonical });
  BY_KEY.set(normalise(canonical.replace(/Scheduler$/, '')), { name: canonical });
}
for (const [alias, target] of Object.entries(ALIASES)) BY_KEY.set(normalise(alias), target);

export class UnknownSchedulerError extends Error {
  readonly schedulerName: string;
  readonly code = 'unknown_scheduler';
  readonly field = 'scheduler';
  readonly retryable = false;

  constructor(schedulerName: string) {
    super(`Unknown scheduler "${schedulerName}". Valid schedulers: ${SCHEDULER_NAMES.join(', ')} (or their A1111 labels such as "Euler a", "DPM++ 2M Karras").`);
    this.name = 'UnknownSchedulerError';
    this.schedulerName = schedulerName;
  }
}

function resolve(name: string): AliasTarget {
  const target = typeof name === 'string' ? BY_KEY.get(normalise(name)) : undefined;
  if (!target) throw new UnknownSchedulerError(String(name));
  return target;
}

/** The canonical diffusers class name for any accepted alias (for `meta.scheduler`). */
export function canonicalSchedulerName(name: string): SchedulerName {
  return resolve(name).name;
}

export function isSchedulerName(name: string): boolean {
  return BY_KEY.has(normalise(name));
}

/**
 * Build a scheduler from a name or alias and a `scheduler_config.json`. A label's implied options
 * ("Karras", "SDE") apply unless `options` sets them explicitly.
 */
export function createScheduler(name: string, config: SchedulerConfig = {}, options: SchedulerOptions = {}): Scheduler {
  const target = resolve(name);
  const merged: SchedulerConfig = { ...config };
  const karras = options.useKarrasSigmas ?? target.karras;
  if (karras !== undefined) merged.use_karras_sigmas = karras;
  const algorithmType = options.algorithmType ?? target.algorithmType;
  if (algorithmType !== undefined) merged.algorithm_type = algorithmType;
  return new CONSTRUCTORS[target.name](merged);
}
