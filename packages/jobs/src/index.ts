export * from './job-bus';
export * from './in-process-job-bus';
