export { startGrpcServer, DIFFUSION_SERVICE_NAME } from './server';
export type { GrpcServerOptions, GrpcServerHandle } from './server';
export type { DiffusionServiceOptions } from './diffusion-service';
export { grpcServiceDefinition } from './codec';
