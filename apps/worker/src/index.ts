export * from './worker';
export * from './job-runner';
export * from './service-handler';
export { DiffusionHandler } from './diffusion/diffusion-handler';
