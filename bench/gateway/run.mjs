#!/usr/bin/env node
// Gateway throughput against a bare baseline, in one invocation on the same PostgreSQL and NATS:
// how many generation jobs per second each accepts, at what latency, and what CPU each job costs
// in every process involved (the server, the no-op worker, PostgreSQL, NATS).
//
// - baseline (baseline-server.mjs): Fastify + pg + NATS doing the irreducible work — key looked up
//   by hash (cached 5 s), one INSERT, one JetStream publish, one answer;
// - Easel (server.mjs): createGateway in its default configuration (per-key concurrency cap on,
//   rate limits, spam filter, credits, webhooks outbox) on JetStream, and a no-op worker
//   (worker.mjs) in a process of its own that settles each job at once.
// Each request body is unique (the spam filter refuses repeats within 30 s).
//
//   node ../scripts/pnpm.mjs --filter @easel/bench gateway            (builds the gateway first)
//   node bench/gateway/run.mjs [--duration 10] [--connections 32] [--warmup 2] [--rounds 1] [--profile]
//                              [--no-worker] [--worker-concurrency 8] [--pool 10] [--sql]
//                              [--keys 1] [--max-concurrent 1000000]   (0: no concurrent-jobs cap on the keys)
//   DATABASE_URL=postgresql://…/test NATS_URL=nats://…   (defaults: 127.0.0.1:5432/test and 127.0.0.1:4222)
//
// --rounds N alternates baseline and Easel N times (the box is shared: drift hits both alike).
// CPU per job: from /proc, over the measured seconds only; PostgreSQL's is its backends serving
// the server and, apart, the worker (by application_name), and its shared background writers.
// --profile runs the gateway process under --cpu-prof and prints where its CPU time went, by
// package and by function (EASEL_BENCH_PROFILE_OUT=file.cpuprofile keeps it, for DevTools); --sql lists the statements the gateway sent per accepted job.
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuBetween, cpuSnapshot, natsServerPid, postgresPids } from './process-cpu.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const require = createRequire(import.meta.url);

if (!existsSync(join(ROOT, 'apps', 'gateway', 'dist', 'metrics', 'index.js'))) {
  console.error(
    'apps/gateway is not built: run `node ../scripts/pnpm.mjs --filter @easel/bench gateway` (it builds first).',
  );
  process.exit(1);
}
const autocannon = require('autocannon');
const { Pool } = createRequire(join(ROOT, 'packages', 'db', 'package.json'))('pg');

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : fallback;
};
const duration = option('duration', 10);
const warmup = option('warmup', 2);
const connections = option('connections', 32);
const rounds = option('rounds', 1);
const profile = flag('profile');
const worker = !flag('no-worker');
const workerConcurrency = option('worker-concurrency', 8);
const pool = option('pool', 10);
const keyCount = option('keys', 1);
const maxConcurrent = option('max-concurrent', 1_000_000);
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const applicationPrefix = `easel-bench-${process.pid}-`;
const common = { pool, keys: keyCount, applicationPrefix };
const childEnv = { ...process.env, DATABASE_URL: databaseUrl, NATS_URL: natsUrl };

const admin = new Pool({ connectionString: databaseUrl, max: 1 });
const natsPid = natsServerPid(Number(new URL(natsUrl).port || 4222));

/** A bench process started with its options; `next(type)` waits for its next message of that type. */
function startChild(file, options, execArgv = []) {
  const child = fork(join(HERE, file), [], {
    execArgv,
    env: { ...childEnv, BENCH_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message?.type === type) {
          child.off('message', onMessage);
          resolve(message);
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before '${type}'`)));
    });
  const stop = async () => {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  return { child, next, stop };
}

let sequence = 0;
const load = (url, keys, seconds) =>
  autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v3/text2img',
        headers: { 'content-type': 'application/json' },
        // A new body each time: track_id and seed differ, so the spam filter never fires.
        setupRequest: (request) => {
          sequence++;
          return {
            ...request,
            body: JSON.stringify({
              key: keys[sequence % keys.length],
              prompt: 'a red circle on a blue background',
              width: '64',
              height: '64',
              samples: '1',
              num_inference_steps: '2',
              seed: sequence,
              track_id: `bench-${sequence}`,
            }),
          };
        },
      },
    ],
  });

/** The processes to charge CPU to, by group: the server and worker by pid, PostgreSQL's and NATS's found now. */
async function processGroups(serverPid, workerPid) {
  const postgres = await postgresPids(admin, applicationPrefix);
  return {
    server: [serverPid],
    worker: workerPid ? [workerPid] : [],
    postgres: [...postgres.ours].filter(([role]) => role !== 'worker').flatMap(([, pids]) => pids),
    postgresForWorker: postgres.ours.get('worker') ?? [],
    postgresBackground: postgres.background,
    nats: natsPid ? [natsPid] : [],
  };
}

/** Warms up, then loads the server for `duration` seconds and reads what every process spent meanwhile. */
async function measure(url, keys, serverPid, workerPid, onStart = async () => undefined) {
  if (warmup > 0) await load(url, keys, warmup);
  await onStart();
  const before = cpuSnapshot(await processGroups(serverPid, workerPid));
  const result = await load(url, keys, duration);
  const cpu = cpuBetween(before, cpuSnapshot(await processGroups(serverPid, workerPid)));
  const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  const accepted = (codes['200'] ?? 0) + (codes['202'] ?? 0);
  return { result, codes, accepted, seconds: result.duration, cpu };
}

async function runBaseline() {
  const server = startChild('baseline-server.mjs', common);
  const { url, keys, pid } = await server.next('ready');
  try {
    return await measure(url, keys, pid, null);
  } finally {
    await server.stop();
  }
}

async function runEasel(profileDir) {
  const gateway = startChild(
    'server.mjs',
    { ...common, maxConcurrent },
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  const ready = await gateway.next('ready');
  const noOpWorker = worker
    ? startChild('worker.mjs', { ...common, workerConcurrency, databaseUrl: ready.databaseUrl, streamPrefix: ready.streamPrefix })
    : null;
  const workerPid = noOpWorker ? (await noOpWorker.next('ready')).pid : null;
  try {
    const run = await measure(ready.url, ready.keys, ready.pid, workerPid, async () => {
      gateway.child.send('mark');
      await gateway.next('marked');
    });
    gateway.child.send('stats');
    const stats = await gateway.next('stats');
    let settled = null;
    if (noOpWorker) {
      noOpWorker.child.send('stats');
      settled = await noOpWorker.next('stats');
    }
    return { ...run, stats, settled, keys: ready.keys.length };
  } finally {
    await noOpWorker?.stop();
    await gateway.stop();
  }
}

const fmt = (n, digits = 1) => n.toFixed(digits);
const perJob = (ms, run) => fmt(ms / Math.max(1, run.accepted), 3);
const row = (label, run) =>
  `  ${label.padEnd(10)} ${fmt(run.accepted / run.seconds, 0).padStart(7)} ${String(run.result.latency.p50).padStart(6)} ${String(run.result.latency.p99).padStart(6)}   ${perJob(run.cpu.server, run).padStart(6)} ${perJob(run.cpu.worker, run).padStart(6)} ${perJob(run.cpu.postgres, run).padStart(6)} ${perJob(run.cpu.postgresForWorker, run).padStart(6)} ${perJob(run.cpu.postgresBackground, run).padStart(6)} ${perJob(run.cpu.nats, run).padStart(6)} ${perJob(Object.values(run.cpu).reduce((a, b) => a + b, 0), run).padStart(6)}   ${Object.entries(run.codes).map(([c, n]) => `${c}: ${n}`).join(', ')}${run.result.errors ? `, errors ${run.result.errors}` : ''}`;

console.log(
  `gateway bench: PostgreSQL + JetStream, ${connections} connections, ${duration} s after ${warmup} s warm-up, ${rounds} round(s); Easel: ${worker ? `no-op worker in its own process (concurrency ${workerConcurrency})` : 'no worker (jobs stay queued)'}, ${keyCount} key(s) capped at ${maxConcurrent >= 1 ? maxConcurrent : 'no'} concurrent jobs; ${cpus().length} CPUs, load average ${loadavg().map((l) => fmt(l, 2)).join(' ')} at the start${natsPid ? '' : '; NATS server process not found on this machine (its CPU not counted)'}`,
);
console.log('                jobs/s  p50 ms p99 ms   CPU ms per accepted job: server worker    PG PG(wk)  PG-bg   NATS  total   answers');
console.log('                (PG: the backends serving the server; PG(wk): those serving the worker; PG-bg: PostgreSQL\'s shared background writers)');
const profileDir = profile ? mkdtempSync(join(tmpdir(), 'easel-bench-prof-')) : null;
const ratios = [];
let lastEasel = null;
for (let round = 1; round <= rounds; round++) {
  const baseline = await runBaseline();
  console.log(row('baseline', baseline));
  const easel = await runEasel(round === rounds ? profileDir : null);
  console.log(row('Easel', easel));
  const ratio = easel.accepted / easel.seconds / Math.max(1e-9, baseline.accepted / baseline.seconds);
  ratios.push(ratio);
  console.log(`  Easel ÷ baseline: ${fmt(ratio, 2)} × the jobs/s, p99 ${easel.result.latency.p99} ms against ${baseline.result.latency.p99} ms`);
  lastEasel = easel;
}
if (rounds > 1) console.log(`  Easel ÷ baseline over ${rounds} rounds: ${ratios.map((r) => fmt(r, 2)).join(', ')} (mean ${fmt(ratios.reduce((a, b) => a + b, 0) / rounds, 2)})`);

const { stats, settled } = lastEasel;
console.log(`Easel, last round:`);
console.log(
  `  gateway process    event loop busy ${fmt(stats.eventLoopUtilization * 100, 0)} %, RSS ${fmt(stats.rssMb, 0)} MiB; jobs in database ${JSON.stringify(stats.jobsByState)}; on the bus: ${stats.pending}`,
);
console.log(
  `  PostgreSQL         ${stats.sql.statements} statements from the gateway (${fmt(stats.sql.statements / Math.max(1, lastEasel.accepted), 1)} per accepted job), ${fmt(stats.sql.ms / Math.max(1, stats.sql.statements), 2)} ms each from send to answer`,
);
if (flag('sql')) {
  console.log('  statements by text (per accepted job, mean ms from send to answer):');
  for (const [text, { count, ms }] of stats.sql.top) {
    console.log(`    ${fmt(count / Math.max(1, lastEasel.accepted), 2).padStart(6)} × ${fmt(ms / count, 2).padStart(6)} ms  ${text}`);
  }
}
if (settled)
  console.log(`  no-op worker       ${settled.jobs} jobs settled, ${fmt(settled.ms / Math.max(1, settled.jobs), 2)} ms each (wall, start → ended event)`);
await admin.end();

if (profileDir) {
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (file) {
    summarizeProfile(JSON.parse(readFileSync(join(profileDir, file), 'utf8')));
    if (process.env.EASEL_BENCH_PROFILE_OUT) copyFileSync(join(profileDir, file), process.env.EASEL_BENCH_PROFILE_OUT);
  } else console.log('  (no CPU profile was written)');
  rmSync(profileDir, { recursive: true, force: true });
}

/** Where a profiled function lives: an npm package, an Easel package, Node itself, or V8. */
function categoryOf(frame) {
  const { url: where, functionName } = frame;
  if (!where) return functionName.startsWith('(') ? functionName : '(V8 / native)';
  if (where.startsWith('node:')) return 'node internals';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(where);
  if (pnpm) return pnpm[1];
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(where);
  if (plain) return plain[1];
  const easel = /\/(apps|packages)\/([^/]+)\//.exec(where);
  if (easel) return `@easel/${easel[2]}`;
  if (where.includes('/bench/')) return 'bench harness (no-op worker, SQL counter)';
  return where;
}

function summarizeProfile(cpuProfile) {
  const byId = new Map(cpuProfile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of cpuProfile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  /** WebAssembly frames are named after the JS package that called into them (PGlite's PostgreSQL, Prisma's query compiler). */
  const categoryWithWasm = (id) => {
    const frame = byId.get(id).callFrame;
    if (!frame.url.startsWith('wasm://')) return categoryOf(frame);
    for (let up = parentOf.get(id); up !== undefined; up = parentOf.get(up)) {
      const caller = byId.get(up).callFrame;
      if (!caller.url.startsWith('wasm://')) return `${categoryOf(caller)} (WebAssembly)`;
    }
    return 'WebAssembly';
  };
  const self = new Map();
  cpuProfile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (cpuProfile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byCategory = new Map();
  const byFunction = new Map();
  for (const [id, micros] of self) {
    const frame = byId.get(id).callFrame;
    const category = categoryWithWasm(id);
    byCategory.set(category, (byCategory.get(category) ?? 0) + micros);
    const name = `${frame.functionName || '(anonymous)'}  ${category}${frame.url && !frame.url.startsWith('node:') ? `  ${frame.url.split('/').slice(-1)[0]}:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  }
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  const pct = (micros) => `${((micros / total) * 100).toFixed(1).padStart(5)} %`;
  console.log(
    `\nwhere the gateway process's time went (CPU profile, self time, ${(total / 1e6).toFixed(1)} s sampled incl. start-up and idle):`,
  );
  for (const [category, micros] of top(byCategory, 14)) console.log(`  ${pct(micros)}  ${category}`);
  console.log('top functions:');
  for (const [name, micros] of top(byFunction, 15)) console.log(`  ${pct(micros)}  ${name}`);
}
