#!/usr/bin/env node
// test/'s `npm test`: most suites two at a time (976 s against about 1,200 s one at a time), then the
// suites that load or time the machine themselves one at a time, as they were written to run: the
// fault suites (restarts under load, the chaos soak), the browser suites (a clip decoded frame by
// frame in Chromium) and the /healthz latency bound. Both passes always run; either failing fails.
// For one file: npx jest <path> (one at a time, as jest.config.js says).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const jestPackage = require.resolve('jest/package.json');
const JEST_BIN = join(dirname(jestPackage), require(jestPackage).bin);

const ALONE = ['/browser/', '/fault/', '/e2e/responsive\\.test\\.ts$'];

function jest(args) {
  const { status, error } = spawnSync(process.execPath, [JEST_BIN, '--passWithNoTests', ...args], {
    cwd: dirname(fileURLToPath(import.meta.url)),
    stdio: 'inherit',
    // Jest's workers are new processes: they take the flag from the environment.
    env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules --no-warnings' },
  });
  if (error) throw error;
  return status;
}

const together = jest(['--maxWorkers=2', '--testPathIgnorePatterns', '/node_modules/', ...ALONE]);
const alone = jest(['--maxWorkers=1', '--testPathPatterns', ...ALONE]);
process.exit(together || alone ? 1 : 0);
