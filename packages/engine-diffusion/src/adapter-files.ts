/**
 * The adapter-file readers without onnxruntime: a process that only validates uploads (the
 * gateway's model store) imports `@easel/engine-diffusion/dist/adapter-files`.
 */
export { SafetensorsFile } from './adapters/safetensors';
export { readLoraModules } from './adapters/lora-keys';
export { readEmbeddingVectors } from './adapters/embedding';
export { AdapterFileError, DiffusionError } from './errors';
export { familyOf, readModelFamily, MODEL_FAMILIES, type ModelFamily } from './model/model-family';
export { hasLargeSizes, LARGE_FAMILY_LIMITS } from './model/family-sizes';
