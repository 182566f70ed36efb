// Is the embedded server responsive while it works? Starts `easel up` (embedded mode) as a child,
// GETs /healthz every 20 ms from this process, and meanwhile runs one job at a time: a 1024×1024 ×4
// super_resolution and a 1024×768 text2img (the sizes of issue 20). Prints, per phase, the /healthz
// latency (p50 / p99 / max), when the job's request answered (and with what status) and when the job ended.
//
//   node bench/loop/run.mjs [--sync-window-ms 8000] [--steps 20]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sharp = createRequire(join(ROOT, 'packages', 'engine-upscale', 'package.json'))('sharp');
const { values } = parseArgs({
  options: {
    'sync-window-ms': { type: 'string', default: '8000' },
    steps: { type: 'string', default: '20' },
  },
});

const home = mkdtempSync(join(tmpdir(), 'easel-bench-loop-'));
const env = {
  PATH: process.env.PATH,
  EASEL_HOME: home,
  PORT: '0',
  EASEL_LOG_LEVEL: 'error',
  EASEL_SYNC_WINDOW_MS: values['sync-window-ms'],
};
const child = spawn(process.execPath, [join(ROOT, 'apps', 'easel', 'dist', 'main.js'), 'up'], {
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
child.stdout.on('data', (d) => (output += d));
child.stderr.on('data', (d) => (output += d));
const waitFor = async (pattern) => {
  for (let i = 0; i < 1200; i++) {
    const match = output.match(pattern);
    if (match) return match;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`easel did not print ${pattern}:\n${output}`);
};
const url = (await waitFor(/listening on (\S+)/))[1];
const key = (await waitFor(/^\s+(esk_\S+)/m))[1];
const post = async (path, body) =>
  (
    await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key, ...body }),
    })
  ).json();

/** /healthz every 20 ms (not waiting for the previous answer, so a blocked loop shows as the latency of each probe). */
function probeHealth() {
  const latencies = [];
  const inFlight = new Set();
  const timer = setInterval(() => {
    const sent = performance.now();
    // A probe that fails (a loop blocked past undici's 10 s connect timeout) counts with the time it took to fail.
    const probe = fetch(`${url}/healthz`)
      .then((r) => r.arrayBuffer())
      .catch(() => undefined)
      .then(() => latencies.push(performance.now() - sent));
    inFlight.add(probe);
    void probe.finally(() => inFlight.delete(probe));
  }, 20);
  return async () => {
    clearInterval(timer);
    await Promise.allSettled([...inFlight]);
    return latencies.sort((a, b) => a - b);
  };
}

const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (v) => `${v.toFixed(1)} ms`;

async function phase(name, path, body, fetchPath) {
  const stop = probeHealth();
  const started = performance.now();
  const answer = await post(path, body);
  const answeredMs = performance.now() - started;
  let final = answer;
  while (final.status === 'processing') {
    await new Promise((r) => setTimeout(r, 250));
    final = await post(`${fetchPath}/${answer.id}`, {});
  }
  const endedMs = performance.now() - started;
  const latencies = await stop();
  console.log(
    `${name.padEnd(28)} healthz n=${latencies.length} p50 ${ms(at(latencies, 0.5))} p99 ${ms(at(latencies, 0.99))} max ${ms(latencies.at(-1))}` +
      ` | request answered '${answer.status}' after ${ms(answeredMs)} | job ${final.status} after ${(endedMs / 1000).toFixed(1)} s`,
  );
  if (final.status !== 'success') console.log(JSON.stringify(final).slice(0, 400));
}

try {
  const input = await sharp(join(ROOT, 'packages', 'engine-safety', 'fixtures', 'easel-tiny-0.png'))
    .resize(1024, 1024)
    .png()
    .toBuffer();
  console.log(
    `easel up at ${url}, EASEL_SYNC_WINDOW_MS=${values['sync-window-ms']}, ${process.env.EASEL_ORT_THREADS ?? 'default'} ORT threads`,
  );
  const idle = probeHealth();
  await new Promise((r) => setTimeout(r, 2000));
  const l = await idle();
  console.log(
    `${'idle'.padEnd(28)} healthz n=${l.length} p50 ${ms(at(l, 0.5))} p99 ${ms(at(l, 0.99))} max ${ms(l.at(-1))}`,
  );
  await phase(
    'super_resolution 1024² ×4',
    '/api/v6/image_editing/super_resolution',
    { init_image: input.toString('base64'), scale: 4 },
    '/api/v6/image_editing/fetch',
  );
  await phase(
    `text2img 1024×768 ${values.steps} steps`,
    '/api/v3/text2img',
    {
      prompt: 'a red circle on a blue background',
      width: 1024,
      height: 768,
      num_inference_steps: values.steps,
      seed: 1,
    },
    '/api/v3/fetch',
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(home, { recursive: true, force: true });
}
