export * from './model-catalog';
export * from './bundled-model-catalog';
export * from './onnx-graph-outputs';
export * from './model-store';
export { readModelTraits, REFINER_KEY, type ModelTraits } from './model-traits';
export { ModelLoadError, unpackArchive, archiveKind } from './archive';
