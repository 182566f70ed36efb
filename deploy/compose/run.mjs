#!/usr/bin/env node
// A Procfile runner (there is no Docker engine on our machines): migrates the database, then
// starts every process of deploy/compose/Procfile with its output prefixed by its name.
// Ctrl-C / SIGTERM stops them all (workers drain). A process that exits is reported and not
// restarted, and the others keep running (as compose does without a restart policy).
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const defaults = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test?schema=easel',
  NATS_URL: 'nats://127.0.0.1:4222',
  S3_PORT: '9000',
  S3_BUCKET: 'easel-artifacts',
  S3_ACCESS_KEY: 'S3RVER',
  S3_SECRET_KEY: 'S3RVER',
};
const env = { ...defaults, ...process.env };
env.S3_ENDPOINT ??= `http://127.0.0.1:${env.S3_PORT}`;

const processes = readFileSync(join(root, 'deploy/compose/Procfile'), 'utf8')
  .split('\n')
  .map((line) => /^([\w-]+):\s*(.+)$/.exec(line.trim()))
  .filter(Boolean)
  .map(([, name, command]) => ({ name, command }));

const migrate = spawnSync(process.execPath, [join(root, 'apps/easel/dist/main.js'), 'migrate'], { cwd: root, env, stdio: 'inherit' });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const width = Math.max(...processes.map((p) => p.name.length));
const children = [];
let stopping = false;

function prefix(name, stream, target) {
  let buffered = '';
  stream.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) target.write(`${name.padEnd(width)} | ${line}\n`);
  });
}

function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  // Workers and the gateway first; the S3 server last, once they have let go of it.
  for (const child of children.filter((c) => c.name !== 's3')) child.process.kill(signal);
  Promise.all(children.filter((c) => c.name !== 's3').map((c) => c.exited)).then(() => {
    for (const child of children.filter((c) => c.name === 's3')) child.process.kill(signal);
  });
}

async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(() => resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing answers on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const { name, command } of processes) {
  const child = spawn('bash', ['-c', `exec env ${command}`], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  children.push({ name, process: child, exited });
  prefix(name, child.stdout, process.stdout);
  prefix(name, child.stderr, process.stderr);
  exited.then(({ code, signal }) => process.stdout.write(`${name.padEnd(width)} | exited (${code ?? signal})\n`));
  // The gateway and workers open the bucket at start: wait until the S3 server answers.
  if (name === 's3') await waitForPort(Number(env.S3_PORT), 15_000);
}

process.once('SIGINT', () => stopAll('SIGTERM'));
process.once('SIGTERM', () => stopAll('SIGTERM'));
await Promise.all(children.map((c) => c.exited));
process.exit(0);
