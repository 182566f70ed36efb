export * from './worker';
export * from './job-runner';
export * from './service-handler';
export { DiffusionHandler } from './diffusion/diffusion-handler';
export { DiffusionGeneration, ModelNotFoundError, type DiffusionGenerationOptions } from './diffusion/diffusion-generation';
export { grpcServiceDefinition } from './grpc';
export { WORKER_SERVICES, workerService, type WorkerService } from './worker-services';
