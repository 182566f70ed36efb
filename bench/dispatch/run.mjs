#!/usr/bin/env node
// Dispatch benchmark on the JetStream job bus (packages/jobs/dist) against loopback NATS:
//   1. enqueue → worker-start latency: one job at a time, from just before publish() until the
//      consumer's handler starts (p50 / p90 / p99 / max; the design's target is p99 < 20 ms);
//   2. jobs per second through the bus with a no-op handler: many publishes in flight, a
//      consumer with several handler slots, timed from the first publish to the last handler.
// The gateway side and the worker side use separate connections, as separate processes would.
// Streams get a unique prefix and are deleted at the end. Figures are printed, never asserted.
//
//   node scripts/pnpm.mjs --filter @easel/bench dispatch
//   node bench/dispatch/run.mjs [--latency-jobs 500] [--latency-seconds 30] [--jobs 5000] [--throughput-seconds 30] [--concurrency 32] [--in-flight 256]
//   (build first: node scripts/pnpm.mjs exec turbo run build --filter @easel/jobs --filter @easel/contracts; NATS_URL overrides nats://127.0.0.1:4222)
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const jobsDist = join(ROOT, 'packages', 'jobs', 'dist', 'index.js');
if (!existsSync(jobsDist)) {
  console.error('packages/jobs is not built: node scripts/pnpm.mjs exec turbo run build --filter @easel/jobs');
  process.exit(1);
}
const contractsDist = join(ROOT, 'packages', 'contracts', 'dist', 'index.js');
if (!existsSync(contractsDist)) {
  console.error('packages/contracts is not built: node scripts/pnpm.mjs exec turbo run build --filter @easel/contracts');
  process.exit(1);
}
const require = createRequire(jobsDist);
const { JetStreamJobBus } = require(jobsDist);
const { encodeJobPayload } = require(contractsDist);
const { connect } = require('nats');

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const LATENCY_JOBS = Number(args['latency-jobs'] ?? 500);
/** The throughput phase stops after this long and reports what was handled by then. */
const THROUGHPUT_BUDGET_MS = Number(args['throughput-seconds'] ?? 30) * 1000;
/** The latency phase stops early after this long (a slow dispatch path would otherwise take minutes). */
const LATENCY_BUDGET_MS = Number(args['latency-seconds'] ?? 30) * 1000;
const JOBS = Number(args.jobs ?? 5000);
const CONCURRENCY = Number(args.concurrency ?? 32);
const IN_FLIGHT = Number(args['in-flight'] ?? 256);
const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const runId = randomBytes(4).toString('hex');
const streamPrefix = `bench-${runId}-`;
// Streams and subjects (<prefix>jobs.<service>.<pool>) are under the run's prefix: nothing else on the server meets them.
const LATENCY_SERVICE = 'latency';
const THROUGHPUT_SERVICE = 'throughput';
// What the gateway publishes for a small text2img job (binary easel.jobs.v1.JobPayload).
const payload = encodeJobPayload({
  jobId: 1,
  tenantId: 'bench',
  kind: 'text2img',
  modelId: 'easel-tiny',
  artifactToken: randomBytes(16).toString('hex'),
  params: {
    kind: 'text2img', prompt: 'a red circle on a blue background', negativePrompt: null, width: 128, height: 128, samples: 1, steps: 4,
    guidanceScale: 7.5, seed: 7, scheduler: null, useKarrasSigmas: false, algorithmType: null, clipSkip: 1, strength: null,
    initImage: null, maskImage: null, outputFormat: 'png', temp: false,
  },
});

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const ms = (v) => `${v.toFixed(2)} ms`;

async function latency(gateway, worker) {
  const started = new Map();
  const samples = [];
  let arrived;
  const consumer = await worker.consume(LATENCY_SERVICE, 'default', async (delivery) => {
    samples.push(performance.now() - started.get(delivery.id));
    arrived?.();
  }, { concurrency: 1, ackWaitMs: 30_000 });
  // Warm-up: the stream, the consumer and the first pull exist before timing starts.
  let deadline = Infinity;
  for (let i = 0; i < 5 + LATENCY_JOBS && performance.now() < deadline; i++) {
    const id = `l${i}`;
    const seen = new Promise((resolve) => (arrived = resolve));
    started.set(id, performance.now());
    await gateway.publish({ id, service: LATENCY_SERVICE, pool: 'default', payload });
    await seen;
    if (i === 4) {
      samples.length = 0;
      deadline = performance.now() + LATENCY_BUDGET_MS;
    }
  }
  await consumer.drain();
  const sorted = samples.slice().sort((a, b) => a - b);
  return { n: sorted.length, p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1], mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

async function throughput(gateway, worker) {
  let handled = 0;
  let allHandled;
  const done = new Promise((resolve) => (allHandled = resolve));
  const consumer = await worker.consume(THROUGHPUT_SERVICE, 'default', async () => {
    if (++handled === JOBS) allHandled();
  }, { concurrency: CONCURRENCY, ackWaitMs: 60_000 });
  const t0 = performance.now();
  let next = 0;
  let published = 0;
  let publishedAt = 0;
  const publisher = async () => {
    while (next < JOBS) {
      const id = `t${next++}`;
      await gateway.publish({ id, service: THROUGHPUT_SERVICE, pool: 'default', payload });
      if (++published === JOBS) publishedAt = performance.now();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, publisher));
  let timer;
  await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, THROUGHPUT_BUDGET_MS - (performance.now() - t0)))))]);
  clearTimeout(timer);
  const elapsed = performance.now() - t0;
  const finished = handled;
  await consumer.drain();
  return { handled: finished, publishPerSecond: JOBS / ((publishedAt - t0) / 1000), jobsPerSecond: finished / (elapsed / 1000), totalMs: elapsed };
}

const gateway = await JetStreamJobBus.connect({ servers, streamPrefix, connection: { name: 'bench-gateway' } });
const worker = await JetStreamJobBus.connect({ servers, streamPrefix, connection: { name: 'bench-worker' } });
try {
  console.log(`dispatch bench: NATS ${servers}, streams ${streamPrefix}*, subjects ${streamPrefix}jobs.*.default, ${payload.byteLength}-byte protobuf job payload, node ${process.version}`);
  const l = await latency(gateway, worker);
  console.log(`enqueue → worker start (${l.n} jobs, one at a time): p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  max ${ms(l.max)}  mean ${ms(l.mean)}  (target p99 < 20 ms)`);
  const t = await throughput(gateway, worker);
  const partial = t.handled < JOBS ? ` — only ${t.handled} of ${JOBS} handled within the ${THROUGHPUT_BUDGET_MS / 1000} s budget` : '';
  console.log(`throughput (${JOBS} jobs, ${IN_FLIGHT} publishes in flight, ${CONCURRENCY} handler slots, no-op handler): ${t.jobsPerSecond.toFixed(1)} jobs/s end to end (${(t.totalMs / 1000).toFixed(2)} s)${partial}; publish alone ${t.publishPerSecond.toFixed(0)} jobs/s`);
} finally {
  await gateway.close();
  await worker.close();
  const nc = await connect({ servers });
  const jsm = await nc.jetstreamManager();
  for await (const stream of jsm.streams.list()) if (stream.config.name.startsWith(streamPrefix)) await jsm.streams.delete(stream.config.name);
  await nc.close();
}
