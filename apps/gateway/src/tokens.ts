/** Injection tokens for the adapters the gateway is given (one implementation per mode). */
export const DATABASE = Symbol('Database');
export const JOB_BUS = Symbol('JobBus');
export const ARTIFACT_STORE = Symbol('ArtifactStore');
export const CONFIG = Symbol('EaselConfig');
export const MODEL_CATALOG = Symbol('ModelCatalog');
/** The model store (uploads); absent where the deployment cannot load models. */
export const MODEL_STORE = Symbol('ModelStore');
/** Embedded mode: why this machine cannot train (python3 with torch missing), or null; absent where workers run elsewhere. */
export const TRAINER_PROBLEM = Symbol('TrainerProblem');
