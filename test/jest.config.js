const path = require('node:path');
const preset = require('../jest.preset')(__dirname, {
  // The e2e suites run the diffusion engine in-process: ONNX Runtime needs the shared typed arrays.
  testEnvironment: path.join(__dirname, '../packages/engine-diffusion/jest.environment.js'),
}, { keepDynamicImport: true }); // engine-voice's codecs are ES modules
// `npm test` (run.mjs) runs most suites two at a time and the fault, browser and latency suites one at a time;
// a bare `npx jest` runs one at a time.
module.exports = { ...preset, testMatch: ['<rootDir>/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/'], testTimeout: 120_000, maxWorkers: 1 };
