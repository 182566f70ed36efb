export { ensureWasmBackend } from './wasm-backend';
export { shardPaths, toModelArtifacts, type ModelJson } from './model-artifacts';
