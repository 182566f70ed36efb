#!/usr/bin/env node
// What `npm test` runs after setup: lint and typecheck (single-threaded tools, two at a time on
// the 2-core machine), then every package's tests one package at a time (suites with real servers
// and model runs fight otherwise). Both always run; the exit code fails if either did. The test
// run's turbo summary gives each package's time, printed slowest first (CI's time budget).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const turbo = (args) => spawnSync(process.execPath, [join(root, 'scripts', 'pnpm.mjs'), 'exec', 'turbo', 'run', ...args, '--continue'], { cwd: root, stdio: 'inherit' }).status;

const started = Date.now();
const checks = turbo(['lint', 'typecheck', '--concurrency=2']);
const checkSeconds = Math.round((Date.now() - started) / 1000);
const tests = turbo(['test', '--concurrency=1', '--summarize']);

const runs = join(root, '.turbo', 'runs');
try {
  const latest = readdirSync(runs)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(runs, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  const summary = JSON.parse(readFileSync(latest, 'utf8'));
  const rows = summary.tasks
    .map((t) => ({ task: t.taskId, seconds: (t.execution.endTime - t.execution.startTime) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds);
  console.log(`check: lint + typecheck ${checkSeconds} s; tests by package, slowest first:`);
  for (const r of rows.slice(0, 12)) console.log(`  ${r.seconds.toFixed(0).padStart(5)} s  ${r.task}`);
} catch (err) {
  console.log(`check: no turbo summary to read (${err.message})`);
}
process.exit(checks || tests ? 1 : 0);
