// onnxruntime-node needs the shared typed arrays: the diffusion engine's environment. The codecs
// (wave-codec, lamejs, mpg123-decoder) ship ES modules only, loaded by `import()`.
const path = require('node:path');

module.exports = {
  ...require('../../jest.preset')(__dirname, { testEnvironment: path.join(__dirname, '../engine-diffusion/jest.environment.js') }, { keepDynamicImport: true }),
  testTimeout: 120_000,
};
