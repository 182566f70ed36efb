export * from './job-bus';
export * from './in-process-job-bus';
export * from './jetstream-job-bus';
export { JetStreamNames } from './jetstream-names';
