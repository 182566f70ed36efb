const path = require('node:path');
// The diffusion engine runs in some suites: ONNX Runtime needs the shared typed arrays.
module.exports = require('../../jest.preset')(__dirname, {
  testEnvironment: path.join(__dirname, '../../packages/engine-diffusion/jest.environment.js'),
}, { keepDynamicImport: true }); // engine-voice's codecs are ES modules
