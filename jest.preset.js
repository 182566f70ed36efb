// Shared Jest settings: every package's jest.config.js spreads this.
// Tests run the TypeScript sources directly (SWC, decorators on) and resolve
// workspace packages to their src/, so a test never depends on a stale build.
const path = require('node:path');

module.exports = function jestPreset(dir, overrides = {}, options = {}) {
  return {
    rootDir: dir,
    displayName: path.basename(dir),
    testEnvironment: 'node',
    // Suites talk to real servers and run models on 2 shared cores; each test bounds its own waits.
    testTimeout: 30_000,
    // Two test files at a time: with Jest's default (cores − 1) one core sat idle while a package's
    // unit suites ran (gateway: 155 s on one worker in CI). test/ keeps one: its suites measure latency.
    maxWorkers: 2,
    // CI's log lists every test that ran.
    verbose: Boolean(process.env.CI),
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/**/*.spec.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
          },
          // keepDynamicImport: `import()` stays an import (Jest loads ES modules under
          // --experimental-vm-modules): for code that reaches ES-module-only packages (engine-voice's codecs).
          module: { type: 'commonjs', ...(options.keepDynamicImport ? { ignoreDynamic: true } : {}) },
        },
      ],
    },
    moduleNameMapper: {
      // Prisma's generated client imports its siblings as './x.js' (ESM style).
      '^(\\.{1,2}/.*)\\.js$': '$1',
      '^@easel/(easel|gateway|worker)$': path.join(__dirname, 'apps/$1/src'),
      '^@easel/([a-z0-9-]+)$': path.join(__dirname, 'packages/$1/src'),
    },
    ...overrides,
  };
};
