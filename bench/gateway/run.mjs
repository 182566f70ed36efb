#!/usr/bin/env node
// Gateway throughput: how many generation jobs per second the HTTP gateway accepts, and at what
// latency, with a worker that settles each job at once (no engine) — so the figure is the
// gateway's own cost: parsing, key check, spam filter and limits, credits hold, job insert,
// publish, answer. Each request body is unique (the spam filter refuses repeats within 30 s).
//
//   node ../scripts/pnpm.mjs --filter @easel/bench gateway            (builds the gateway first)
//   node bench/gateway/run.mjs [--duration 10] [--connections 32] [--warmup 2] [--profile]
//                              [--no-worker] [--worker-concurrency 8] [--pool 10] [--sql]
//                              [--keys 1] [--max-concurrent 1000000]   (0: no concurrent-jobs cap on the keys)
//   DATABASE_URL=postgresql://…?schema=bench_gateway node bench/gateway/run.mjs   (PostgreSQL; migrates that schema)
//
// --profile runs the gateway process under --cpu-prof and prints where its CPU time went, by
// package and by function; --sql (PostgreSQL) lists the statements sent per accepted job. The gateway runs in a child process; autocannon (the load) in this one.
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : fallback;
};
const duration = option('duration', 10);
const warmup = option('warmup', 2);
const connections = option('connections', 32);
const profile = flag('profile');
const worker = !flag('no-worker');
const workerConcurrency = option('worker-concurrency', 8);
const pool = option('pool', 10);
const keyCount = option('keys', 1);
const maxConcurrent = option('max-concurrent', 1_000_000);

const profileDir = profile ? mkdtempSync(join(tmpdir(), 'easel-bench-prof-')) : null;
const child = fork(join(HERE, 'server.mjs'), [], {
  execArgv: profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  env: {
    ...process.env,
    BENCH_OPTIONS: JSON.stringify({ worker, workerConcurrency, pool, keys: keyCount, maxConcurrent }),
  },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const nextMessage = (type) =>
  new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message?.type === type) {
        child.off('message', onMessage);
        resolve(message);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`gateway process exited (${code}) before '${type}'`)));
  });

const { url, keys, database } = await nextMessage('ready');

let sequence = 0;
const run = (seconds) =>
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

const scrape = async () => (await fetch(`${url}/metrics`)).text();
const sample = (text, name, labels = '') => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ').pop()) : 0;
};

if (warmup > 0) await run(warmup);
child.send('mark');
await nextMessage('marked');
const acceptedBefore = sample(await scrape(), 'easel_jobs_accepted_total', '{route="/api/v3/text2img"}');
const result = await run(duration);
child.send('stats');
const stats = await nextMessage('stats');
const acceptedAfter = sample(await scrape(), 'easel_jobs_accepted_total', '{route="/api/v3/text2img"}');

const codes = Object.fromEntries(
  Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]),
);
const accepted = (codes['200'] ?? 0) + (codes['202'] ?? 0);
const seconds = result.duration;
const fmt = (n, digits = 1) => n.toFixed(digits);
const cpuMs = stats.cpuUserMs + stats.cpuSystemMs;

console.log(
  `gateway bench: ${database === 'embedded' ? 'embedded PGlite (in memory)' : 'PostgreSQL'}, ${worker ? `no-op worker (concurrency ${workerConcurrency})` : 'no worker (jobs stay queued)'}, ${connections} connections, ${keys.length} key(s) capped at ${maxConcurrent >= 1 ? maxConcurrent : 'no'} concurrent jobs, ${fmt(seconds, 1)} s after ${warmup} s warm-up, ${cpus().length} CPUs`,
);
console.log(
  `  jobs accepted      ${accepted} → ${fmt(accepted / seconds, 0)} jobs/s   (the gateway's own counter: ${acceptedAfter - acceptedBefore})`,
);
console.log(
  `  latency (ms)       p50 ${result.latency.p50}   p90 ${result.latency.p90}   p99 ${result.latency.p99}   max ${result.latency.max}   mean ${fmt(result.latency.average, 2)}`,
);
console.log(
  `  answers            ${
    Object.entries(codes)
      .map(([c, n]) => `${c}: ${n}`)
      .join(', ') || 'none'
  }; errors ${result.errors}, timeouts ${result.timeouts}`,
);
console.log(
  `  gateway process    CPU ${fmt(cpuMs / stats.wallMs, 2)} cores (user ${fmt(stats.cpuUserMs / 1000, 2)} s, system ${fmt(stats.cpuSystemMs / 1000, 2)} s), event loop busy ${fmt(stats.eventLoopUtilization * 100, 0)} %, ${fmt(cpuMs / Math.max(1, accepted), 3)} ms CPU per accepted job, RSS ${fmt(stats.rssMb, 0)} MiB`,
);
console.log(`  jobs in database   ${JSON.stringify(stats.jobsByState)}; on the bus: ${stats.pending}`);
if (stats.sql)
  console.log(
    `  PostgreSQL         ${stats.sql.statements} statements (${fmt(stats.sql.statements / Math.max(1, accepted), 1)} per accepted job, worker's included), ${fmt(stats.sql.ms / Math.max(1, stats.sql.statements), 2)} ms each from send to answer`,
  );
if (stats.sql && flag('sql')) {
  console.log('  statements by text (per accepted job, mean ms from send to answer):');
  for (const [text, { count, ms }] of stats.sql.top) {
    console.log(
      `    ${fmt(count / Math.max(1, accepted), 2).padStart(6)} × ${fmt(ms / count, 2).padStart(6)} ms  ${text}`,
    );
  }
}
if (worker)
  console.log(
    `  no-op worker       ${stats.worker.jobs} jobs settled, ${fmt(stats.worker.ms / Math.max(1, stats.worker.jobs), 2)} ms each (wall, start → ended event)`,
  );

child.send('stop');
await new Promise((resolve) => child.once('exit', resolve));

if (profileDir) {
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (file) summarizeProfile(JSON.parse(readFileSync(join(profileDir, file), 'utf8')));
  else console.log('  (no CPU profile was written)');
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
