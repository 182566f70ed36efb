const path = require('node:path');
const preset = require('../jest.preset')(__dirname, {
  // The e2e suites run the diffusion engine in-process: ONNX Runtime needs the shared typed arrays.
  testEnvironment: path.join(__dirname, '../packages/engine-diffusion/jest.environment.js'),
}, { keepDynamicImport: true }); // engine-voice's codecs are ES modules
// Two suites at a time, as in the packages (the preset's maxWorkers): on CI's two cores the whole folder took
// 1,200 s one at a time and 976 s two at a time here, and responsive.test.ts's /healthz bound held beside another suite.
module.exports = { ...preset, testMatch: ['<rootDir>/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/'], testTimeout: 120_000 };
