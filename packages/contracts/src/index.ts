export * from './job-payload';
export * from './job-events';
export * from './diffusion';
