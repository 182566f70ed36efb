export * from './wait';
export * from './contracts/job-bus.contract';
export * from './contracts/artifact-store.contract';
export * from './judge';
export * from './s3/start-s3-server';
export * from './contracts/database.contract';
export { safetensors } from './adapters/safetensors-fixture';
export { modelWithoutHiddenStates } from './models/without-hidden-states';
