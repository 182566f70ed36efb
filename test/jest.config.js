const preset = require('../jest.preset')(__dirname);
module.exports = { ...preset, testMatch: ['<rootDir>/**/*.test.ts'], testTimeout: 120_000 };
