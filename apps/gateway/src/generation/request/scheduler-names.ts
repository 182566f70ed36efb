/**
 * Scheduler names as the gateway reports them in `meta.scheduler`: the diffusers class name
 * ("DPMSolverMultistepScheduler") for any name or A1111 label a client may send ("DPM++ 2M Karras",
 * "dpmsolver++", "Euler a", "DPMSolverMultistep").
 *
 * This mirrors the engine's resolver (packages/engine-diffusion/src/schedulers/registry.ts) without
 * importing it, so the gateway does not load onnxruntime; scheduler-names.test.ts checks that both
 * tables agree. The engine stays the authority on which names exist: a name missing here is not an
 * error at the edge, it is reported as the client wrote it and the engine rejects it if it must.
 */

/** The diffusers scheduler classes the engine implements, in the order API.md lists them. */
export const SCHEDULER_CLASS_NAMES = [
  'DDPMScheduler',
  'DDIMScheduler',
  'PNDMScheduler',
  'LMSDiscreteScheduler',
  'EulerDiscreteScheduler',
  'EulerAncestralDiscreteScheduler',
  'HeunDiscreteScheduler',
  'DPMSolverMultistepScheduler',
  'DPMSolverSinglestepScheduler',
  'KDPM2DiscreteScheduler',
  'KDPM2AncestralDiscreteScheduler',
  'UniPCMultistepScheduler',
  'DEISMultistepScheduler',
  'LCMScheduler',
] as const;

export type SchedulerClassName = (typeof SCHEDULER_CLASS_NAMES)[number];

export interface SchedulerLabel {
  className: SchedulerClassName;
  /** The label asks for Karras sigmas ("DPM++ 2M Karras"). */
  karras?: boolean;
  /** The label asks for an algorithm type ("DPM++ 2M SDE" → `sde-dpmsolver++`). */
  algorithmType?: string;
}

const SDE = 'sde-dpmsolver++';

/** A1111 labels and common aliases; keys are normalised (see `normalise`). Same entries as the engine's. */
const ALIASES: Record<string, SchedulerLabel> = {
  ddpm: { className: 'DDPMScheduler' },
  ddim: { className: 'DDIMScheduler' },
  pndm: { className: 'PNDMScheduler' },
  plms: { className: 'PNDMScheduler' },
  lms: { className: 'LMSDiscreteScheduler' },
  klms: { className: 'LMSDiscreteScheduler' },
  lmskarras: { className: 'LMSDiscreteScheduler', karras: true },
  euler: { className: 'EulerDiscreteScheduler' },
  keuler: { className: 'EulerDiscreteScheduler' },
  eulerkarras: { className: 'EulerDiscreteScheduler', karras: true },
  eulera: { className: 'EulerAncestralDiscreteScheduler' },
  keulera: { className: 'EulerAncestralDiscreteScheduler' },
  eulerancestral: { className: 'EulerAncestralDiscreteScheduler' },
  keulerancestral: { className: 'EulerAncestralDiscreteScheduler' },
  heun: { className: 'HeunDiscreteScheduler' },
  kheun: { className: 'HeunDiscreteScheduler' },
  heunkarras: { className: 'HeunDiscreteScheduler', karras: true },
  dpm2: { className: 'KDPM2DiscreteScheduler' },
  kdpm2: { className: 'KDPM2DiscreteScheduler' },
  kdpm2karras: { className: 'KDPM2DiscreteScheduler', karras: true },
  dpm2karras: { className: 'KDPM2DiscreteScheduler', karras: true },
  dpm2a: { className: 'KDPM2AncestralDiscreteScheduler' },
  kdpm2a: { className: 'KDPM2AncestralDiscreteScheduler' },
  dpm2ancestral: { className: 'KDPM2AncestralDiscreteScheduler' },
  kdpm2ancestral: { className: 'KDPM2AncestralDiscreteScheduler' },
  dpm2akarras: { className: 'KDPM2AncestralDiscreteScheduler', karras: true },
  'dpm++2m': { className: 'DPMSolverMultistepScheduler' },
  dpmpp2m: { className: 'DPMSolverMultistepScheduler' },
  kdpmpp2m: { className: 'DPMSolverMultistepScheduler' },
  'dpmsolver++': { className: 'DPMSolverMultistepScheduler' },
  dpmsolver: { className: 'DPMSolverMultistepScheduler' },
  dpmsolvermultistep: { className: 'DPMSolverMultistepScheduler' },
  'dpm++2mkarras': { className: 'DPMSolverMultistepScheduler', karras: true },
  dpmpp2mkarras: { className: 'DPMSolverMultistepScheduler', karras: true },
  'dpm++2msde': { className: 'DPMSolverMultistepScheduler', algorithmType: SDE },
  dpmpp2msde: { className: 'DPMSolverMultistepScheduler', algorithmType: SDE },
  kdpmpp2msde: { className: 'DPMSolverMultistepScheduler', algorithmType: SDE },
  'sdedpmsolver++': { className: 'DPMSolverMultistepScheduler', algorithmType: SDE },
  'dpm++2msdekarras': { className: 'DPMSolverMultistepScheduler', karras: true, algorithmType: SDE },
  dpmpp2msdekarras: { className: 'DPMSolverMultistepScheduler', karras: true, algorithmType: SDE },
  'dpm++sde': { className: 'DPMSolverSinglestepScheduler' },
  dpmppsde: { className: 'DPMSolverSinglestepScheduler' },
  kdpmppsde: { className: 'DPMSolverSinglestepScheduler' },
  'dpm++sdekarras': { className: 'DPMSolverSinglestepScheduler', karras: true },
  dpmppsdekarras: { className: 'DPMSolverSinglestepScheduler', karras: true },
  'dpm++2s': { className: 'DPMSolverSinglestepScheduler' },
  dpmpp2s: { className: 'DPMSolverSinglestepScheduler' },
  'dpm++2sa': { className: 'DPMSolverSinglestepScheduler' },
  dpmpp2sa: { className: 'DPMSolverSinglestepScheduler' },
  dpmpp2sancestral: { className: 'DPMSolverSinglestepScheduler' },
  'dpm++2sakarras': { className: 'DPMSolverSinglestepScheduler', karras: true },
  dpmsinglestep: { className: 'DPMSolverSinglestepScheduler' },
  dpmsolversinglestep: { className: 'DPMSolverSinglestepScheduler' },
  unipc: { className: 'UniPCMultistepScheduler' },
  deis: { className: 'DEISMultistepScheduler' },
  lcm: { className: 'LCMScheduler' },
};

/** Lowercase, without spaces, `-`, `_` or `.` — the engine's normalisation. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[\s_.-]+/g, '');
}

const BY_KEY = new Map<string, SchedulerLabel>();
for (const className of SCHEDULER_CLASS_NAMES) {
  BY_KEY.set(normalise(className), { className });
  BY_KEY.set(normalise(className.replace(/Scheduler$/, '')), { className });
}
for (const [alias, label] of Object.entries(ALIASES)) BY_KEY.set(normalise(alias), label);

/** Every accepted spelling's normalised key (for the consistency test). */
export function knownSchedulerKeys(): string[] {
  return [...BY_KEY.keys()];
}

/** What a scheduler name or label stands for, or null when the gateway does not know it. */
export function lookupScheduler(name: string): SchedulerLabel | null {
  return BY_KEY.get(normalise(name)) ?? null;
}

/** The diffusers class name for `meta.scheduler`; an unknown name is echoed as the client wrote it. */
export function schedulerDisplayName(name: string): string {
  return lookupScheduler(name)?.className ?? name;
}
