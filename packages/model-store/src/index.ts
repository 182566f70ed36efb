export * from './model-catalog';
export * from './bundled-model-catalog';
