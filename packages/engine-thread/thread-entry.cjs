// The first module a engine thread runs: it loads the engine's thread module named in workerData.
// Under Jest the engines run from their TypeScript sources, so a .ts module is compiled here with
// SWC (as @swc/jest does for the tests); built packages name their .js module and need nothing.
const { workerData } = require('node:worker_threads');

if (workerData.module.endsWith('.ts')) {
  const { readFileSync } = require('node:fs');
  const { transformSync } = require('@swc/core');
  require.extensions['.ts'] = (module, filename) => {
    const { code } = transformSync(readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    });
    module._compile(code, filename);
  };
}
require(workerData.module);
