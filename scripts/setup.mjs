#!/usr/bin/env node
// Installs the workspace with the pinned pnpm (obtained through npm) and builds every
// package once. Safe to re-run: pnpm and turbo both skip work that is already done.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpm = join(root, 'scripts', 'pnpm.mjs');

function step(label, args) {
  process.stdout.write(`easel setup: ${label}\n`);
  const result = spawnSync(process.execPath, [pnpm, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`easel setup: "${label}" failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}

const frozen = process.env.CI || process.argv.includes('--frozen') ? ['--frozen-lockfile'] : [];
step('installing dependencies', ['install', ...frozen]);
step('building packages', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
