export * from './model-catalog';
export * from './bundled-model-catalog';
export * from './model-store';
export { ModelLoadError, unpackArchive, archiveKind } from './archive';
