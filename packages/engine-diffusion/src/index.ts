export { DiffusionEngine } from './engine';
export { LocalDiffusionEngine } from './local-engine';
export type { DiffusionEngineOptions, LoadedModel } from './engine';
export { runStableDiffusion, nativeSize } from './pipeline/stable-diffusion';
export { DEFAULT_LIMITS } from './pipeline/types';
export { generate } from './pipeline/generate';
export { lanczosUpscaler } from './pipeline/upscaler';
export type { ImageUpscaler } from './pipeline/upscaler';
export { DEFAULT_HIGHRES_STRENGTH, highresBaseSize } from './pipeline/highres-fix';
export { PANORAMA_COVERAGE, panoramaStride, panoramaWindows } from './pipeline/panorama';
export { DEFAULT_SAG_SCALE } from './guidance/self-attention-guidance';
export { preparePrompt } from './prompt/prepare-prompt';
export { translatePrompt } from './prompt/translate-prompt';
export { enhancePrompt } from './prompt/enhance-prompt';
export { detectLanguage } from './prompt/detect-language';
export { DICTIONARIES, DICTIONARY_LANGUAGES } from './prompt/dictionaries';
export type {
  GenerateRequest,
  GenerateResult,
  GenerateOptions,
  ProgressEvent,
  LatentSnapshot,
  PhaseTimings,
  PipelineLimits,
  OutputFormat,
  PromptReport,
} from './pipeline/types';
export { MIME_TYPES } from './pipeline/images';
export { loadDiffusionModel } from './model/load-model';
export { loadControlNet } from './controlnet/controlnet-model';
export type { ControlNetModel } from './controlnet/controlnet-model';
export { MAX_CONTROLNETS, MAX_CONDITIONING_SCALE } from './controlnet/controlnet-use';
export type { ControlNetUse } from './controlnet/controlnet-use';
export { guessModeScales, controlActive } from './controlnet/control-residuals';
export { parseModel, serializeModel } from './onnx/model-proto';
export { kernelFlops, matmulGraph, profileFlops, type ProfileEvent, type ProfileFlops } from './profile';
export { specialiseShapes } from './model/static-shapes';
export type { AdapterSpec, AdapterReport, LoraRef, EmbeddingRef } from './adapters/adapt-model';
export { SafetensorsFile } from './adapters/safetensors';
export { readLoraModules } from './adapters/lora-keys';
export { readEmbeddingVectors } from './adapters/embedding';
export type { DiffusionModel } from './model/load-model';
export type { ModelInfo } from './model/model-info';
export { ByteBudgetLru } from './model/session-cache';
export { hasCuda } from './model/session';
export type { SessionOptions } from './model/session';
export { PhiloxNormalStream, SampleNoise, philox4x32, randomSeed, MAX_SEED } from './random';
export {
  DiffusionError,
  InvalidRequestError,
  ModelFileError,
  AdapterFileError,
  GraphMismatchError,
  UnsupportedFeatureError,
  CancelledError,
  describeError,
} from './errors';
export type { ErrorInfo } from './errors';
export * from './schedulers';
export * from './text';
// the pieces other engines (video) build their pipelines from
export { createGraph, Graph } from './model/session';
export { prepareGraph, type GraphPreparation, type PreparationReport } from './model/prepare-graph';
export { encodePrompts } from './pipeline/text-conditioning';
export type { TextConditioning } from './pipeline/text-conditioning';
export { loadImage, toPixels } from './pipeline/images';
export { applyGuidance, scale } from './pipeline/latents';
export { fuseAttention } from './model/fuse-attention';
export { fuseLayerNorm } from './model/fuse-layer-norm';
export { probeFeeds } from './model/probe-feeds';
