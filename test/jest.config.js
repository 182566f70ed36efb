const path = require('node:path');
const preset = require('../jest.preset')(__dirname, {
  // The e2e suites run the diffusion engine in-process: ONNX Runtime needs the shared typed arrays.
  testEnvironment: path.join(__dirname, '../packages/engine-diffusion/jest.environment.js'),
}, { keepDynamicImport: true }); // engine-voice's codecs are ES modules
// One suite at a time: two at a time took 976 s against about 1,200 s and was green three times, but a fourth run
// failed the sync-window answer of upscale-safety, the chaos soak's ledger check and the playback clip's background.
module.exports = { ...preset, testMatch: ['<rootDir>/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/'], testTimeout: 120_000, maxWorkers: 1 };
