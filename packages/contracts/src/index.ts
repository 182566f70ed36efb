export * from './job-payload';
export * from './job-events';
export * from './diffusion';
export * from './diffusion-proto';
export * from './super-resolution-proto';
export * from './malformed-message';
export * from './super-resolution';
export * from './image-editing';
export * from './image-editing-proto';
export * from './controlnet';
export * from './controlnet-proto';
export * from './training';
export * from './training-proto';
export * from './chat';
export * from './chat-proto';
export * from './service-contract';
export * from './services';
export * from './service-error';
// Generated from proto/ (src/gen, `pnpm --filter @easel/contracts generate`); namespaced so
// the protobuf messages (e.g. jobsv1.JobPayload) do not clash with the TypeScript shapes above.
export * as diffusionv1 from './gen/easel/diffusion/v1/diffusion_pb';
export * as jobsv1 from './gen/easel/jobs/v1/job_pb';
export * as imageeditingv1 from './gen/easel/image_editing/v1/image_editing_pb';
export * as controlnetv1 from './gen/easel/controlnet/v1/controlnet_pb';
export * as trainingv1 from './gen/easel/training/v1/training_pb';
export * as chatv1 from './gen/easel/chat/v1/chat_pb';
export * as superresolutionv1 from './gen/easel/super_resolution/v1/super_resolution_pb';
