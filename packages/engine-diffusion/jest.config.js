module.exports = require('../../jest.preset')(__dirname, {
  testEnvironment: require('node:path').join(__dirname, 'jest.environment.js'),
});
