// onnxruntime-node needs the shared typed arrays: the diffusion engine's environment.
const path = require('node:path');
const preset = require('../../jest.preset')(__dirname, {
  testEnvironment: path.join(__dirname, '../engine-diffusion/jest.environment.js'),
});
const [swc, swcOptions] = preset.transform['^.+\\.ts$'];

module.exports = {
  ...preset,
  // The codecs (wave-codec, lamejs, mpg123-decoder) ship ES modules only: `import()` must stay an
  // import (Jest loads ES modules under --experimental-vm-modules), not become a require.
  transform: { '^.+\\.ts$': [swc, { ...swcOptions, module: { ...swcOptions.module, ignoreDynamic: true } }] },
  testTimeout: 120_000,
};
