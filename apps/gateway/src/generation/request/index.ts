export {
  GENERATION_DEFAULTS,
  GENERATION_LIMITS,
  isImageReference,
  isOnlyMissingModelId,
  parseGenerationRequest,
} from './generation-request';
export type {
  FieldErrors,
  GenerationKind,
  GenerationRequest,
  OutputFormat,
  ParseGenerationOptions,
  Parsed,
  SafetyCheckerType,
  Upscale,
} from './generation-request';
export { GENERATION_FIELDS, GENERATION_REQUEST } from './generation-fields';
export { echoMeta, resultMeta } from './meta';
export type { MetaExtras } from './meta';
export { SCHEDULER_CLASS_NAMES, lookupScheduler, schedulerDisplayName } from './scheduler-names';
export type { SchedulerClassName, SchedulerLabel } from './scheduler-names';
