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
export { parseFetchId } from './fetch-request';
export { echoMeta, resultMeta } from './meta';
export type { MetaExtras } from './meta';
export { SCHEDULER_CLASS_NAMES, lookupScheduler, schedulerDisplayName } from './scheduler-names';
export type { SchedulerClassName, SchedulerLabel } from './scheduler-names';
export { attribute, messages } from './messages';
