import type { Llama } from 'node-llama-cpp' with { 'resolution-mode': 'import' };

type LlamaCppModule = typeof import('node-llama-cpp', { with: { 'resolution-mode': 'import' } });

/** node-llama-cpp (an ES module) and its one llama.cpp instance for the process. */
export interface LlamaCpp {
  module: LlamaCppModule;
  llama(): Promise<Llama>;
}

// From src/ and from dist/ alike: the helper sits at the package's root.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const importEsm = require('../esm-import.cjs') as (specifier: string) => Promise<unknown>;

let loaded: Promise<LlamaCpp> | undefined;

/**
 * Loads node-llama-cpp once. llama.cpp runs its prebuilt CPU build from the npm package: never a
 * compile or a download at run time (neither can happen on a closed network).
 */
export function loadLlamaCpp(): Promise<LlamaCpp> {
  loaded ??= (importEsm('node-llama-cpp') as Promise<LlamaCppModule>).then((module) => {
    let llama: Promise<Llama> | undefined;
    return {
      module,
      llama: () =>
        (llama ??= module.getLlama({ gpu: false, build: 'never', progressLogs: false, logLevel: module.LlamaLogLevel.error })),
    };
  });
  return loaded;
}
