export * from './model-catalog';
export * from './bundled-model-catalog';
export * from './onnx-graph-outputs';
export * from './model-store';
export { ModelLoadError, unpackArchive, archiveKind } from './archive';
