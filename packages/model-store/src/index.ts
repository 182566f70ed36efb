export * from './model-catalog';
export * from './bundled-model-catalog';
export * from './onnx-graph-outputs';
