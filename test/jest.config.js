const path = require('node:path');
const preset = require('../jest.preset')(__dirname, {
  // The e2e suites run the diffusion engine in-process: ONNX Runtime needs the shared typed arrays.
  testEnvironment: path.join(__dirname, '../packages/engine-diffusion/jest.environment.js'),
}, { keepDynamicImport: true }); // engine-voice's codecs are ES modules
module.exports = { ...preset, testMatch: ['<rootDir>/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/'], testTimeout: 120_000, maxWorkers: 1 };
