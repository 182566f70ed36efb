const path = require('node:path');
// ONNX Runtime's outputs are typed arrays of Node's main realm: the shared-constructors environment.
module.exports = require('../../jest.preset')(__dirname, {
  testEnvironment: path.join(__dirname, '../engine-diffusion/jest.environment.js'),
});
