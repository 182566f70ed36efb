#!/usr/bin/env node
// The chaos soak from the command line, at any size:
//   node test/fault/soak.mjs --jobs 5000 [--tenants 3] [--rate 4] [--faults-each 5] [--seed 7] [--settle-ms 600000]
// (the rate is what two real workers on two shared cores keep up with; faster, the queue only grows)
// Runs test/fault/chaos-soak.test.ts under Jest with those settings and prints its table.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '5000' },
    tenants: { type: 'string' },
    rate: { type: 'string', default: '4' },
    'faults-each': { type: 'string' },
    seed: { type: 'string' },
    'settle-ms': { type: 'string', default: '600000' },
  },
});
const env = {
  ...process.env,
  NODE_OPTIONS: '--experimental-vm-modules --no-warnings',
  SOAK_JOBS: values.jobs,
  SOAK_RATE: values.rate,
  SOAK_SETTLE_MS: values['settle-ms'],
  ...(values.tenants ? { SOAK_TENANTS: values.tenants } : {}),
  ...(values['faults-each'] ? { SOAK_FAULTS_EACH: values['faults-each'] } : {}),
  ...(values.seed ? { SOAK_SEED: values.seed } : {}),
};
const jest = join(HERE, '..', '..', 'node_modules', '.bin', 'jest');
const run = spawnSync(jest, ['--runTestsByPath', join(HERE, 'chaos-soak.test.ts')], { cwd: join(HERE, '..'), env, stdio: 'inherit' });
process.exit(run.status ?? 1);
