// onnxruntime-node needs the shared typed arrays: the diffusion engine's environment.
module.exports = {
  ...require('../../jest.preset')(__dirname, { testEnvironment: require('node:path').join(__dirname, '../engine-diffusion/jest.environment.js') }),
  testTimeout: 120_000,
};
