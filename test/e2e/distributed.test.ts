import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { service as healthDefinition } from 'grpc-health-check';
import { create } from '@bufbuild/protobuf';
import { connect } from 'nats';
import { diffusionv1 } from '@easel/contracts';
import { grpcServiceDefinition } from '@easel/worker';
import { openPostgresDatabase } from '@easel/db';
import { freePort, post, REPO_ROOT } from './helpers';

const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * deploy/compose/run.mjs: the gateway and two workers as separate processes on the
 * machine's PostgreSQL and NATS, artifacts on the S3 server — then a worker killed mid-job.
 */
describe('distributed mode on one machine', () => {
  const id = randomBytes(4).toString('hex');
  const schema = `dist_${id}`;
  const streamPrefix = `e2e-${id}-`;
  let runner: ChildProcessWithoutNullStreams;
  let output = '';
  let url = '';
  let key = '';

  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const started = Date.now();
    for (;;) {
      const match = output.match(pattern);
      if (match) return match;
      if (runner.exitCode !== null || Date.now() - started > timeoutMs) throw new Error(`no ${pattern} in:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const waitForEnd = async (jobId: number, timeoutMs = 90_000) => {
    const started = Date.now();
    for (;;) {
      const { body } = await post(`${url}/api/v3/fetch/${jobId}`, { key });
      if (body.status !== 'processing' || Date.now() - started > timeoutMs) return body;
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  beforeAll(async () => {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: `${POSTGRES}?schema=${schema}`,
      NATS_URL,
      EASEL_STREAM_PREFIX: streamPrefix,
      PORT: String(port),
      S3_PORT: String(await freePort()),
      WORKER_A_GRPC_PORT: String(await freePort()),
      WORKER_B_GRPC_PORT: String(await freePort()),
      EASEL_SYNC_WINDOW_MS: '0',
      EASEL_ACK_WAIT_MS: '4000',
      EASEL_ORT_THREADS: '1',
    };
    runner = spawn(process.execPath, [join(REPO_ROOT, 'deploy/compose/run.mjs')], { env, stdio: 'pipe' });
    runner.stdout.on('data', (d) => (output += d));
    runner.stderr.on('data', (d) => (output += d));
    url = (await waitFor(/gateway\s+\| easel gateway: listening on (\S+)/))[1];
    key = (await waitFor(/gateway\s+\| \s+(esk_\w+)/))[1];
    await waitFor(/worker-a\s+\| easel worker: running diffusion\b.*\(pid (\d+)\)/);
    await waitFor(/worker-b\s+\| easel worker: running diffusion\b.*\(pid (\d+)\)/);
  }, 120_000);

  afterAll(async () => {
    if (runner && runner.exitCode === null) {
      const exited = new Promise((r) => runner.once('exit', r));
      runner.kill('SIGTERM');
      await exited;
    }
    const db = await openPostgresDatabase({ url: POSTGRES });
    await db.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.close();
    const nc = await connect({ servers: NATS_URL });
    const jsm = await nc.jetstreamManager();
    for await (const stream of jsm.streams.list()) if (stream.config.name.startsWith(streamPrefix)) await jsm.streams.delete(stream.config.name);
    await nc.close();
  }, 60_000);

  it("generates through NATS and S3; the gateway's link redirects to a pre-signed S3 URL", async () => {
    const { body } = await post(`${url}/api/v3/text2img`, { key, prompt: 'a red circle on a blue background', seed: 42, num_inference_steps: 10 });
    expect(body.status).toBe('processing');
    const done = await waitForEnd(body.id);
    expect(done).toMatchObject({ status: 'success', meta: { seed: 42, W: 128 } });
    expect(done.output).toEqual(body.future_links);
    const link = await fetch(done.output[0], { redirect: 'manual' });
    expect(link.status).toBe(302);
    expect(link.headers.get('location')).toContain('X-Amz-Signature=');
    const image = await fetch(link.headers.get('location')!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
  });

  it('each worker answers the standard gRPC health check with SERVING', async () => {
    const Health = grpc.makeGenericClientConstructor(healthDefinition as unknown as grpc.ServiceDefinition, 'Health');
    for (const name of ['worker-a', 'worker-b']) {
      const port = (await waitFor(new RegExp(`${name}\\s+\\| easel worker: running diffusion\\b.*gRPC on port (\\d+)`)))[1];
      const health: any = new Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      try {
        const answer = await new Promise<any>((resolve, reject) =>
          health.Check({ service: 'easel.diffusion.v1.DiffusionService' }, (error: grpc.ServiceError | null, res: any) => (error ? reject(error) : resolve(res))),
        );
        expect(answer).toEqual({ status: 'SERVING' });
      } finally {
        health.close();
      }
    }
  });

  it('model_reload reaches every worker: the sessions they hold of the model are dropped', async () => {
    const Diffusion = grpc.makeGenericClientConstructor(grpcServiceDefinition(diffusionv1.DiffusionService), 'DiffusionService');
    const clients: any[] = [];
    for (const name of ['worker-a', 'worker-b']) {
      const port = (await waitFor(new RegExp(`${name}\\s+\\| easel worker: running diffusion\\b.*gRPC on port (\\d+)`)))[1];
      clients.push(new Diffusion(`127.0.0.1:${port}`, grpc.credentials.createInsecure()));
    }
    const loaded = () =>
      Promise.all(
        clients.map(
          (c) =>
            new Promise<string[]>((resolve, reject) =>
              c.getCapacity(create(diffusionv1.GetCapacityRequestSchema), (e: grpc.ServiceError | null, r: diffusionv1.GetCapacityResponse) => (e ? reject(e) : resolve(r.loadedModels))),
            ),
        ),
      );
    try {
      // The first test's job loaded easel-tiny on whichever worker took it.
      expect((await loaded()).flat()).toContain('easel-tiny');
      const { body } = await post(`${url}/api/v4/dreambooth/model_reload`, { key, model_id: 'easel-tiny' });
      expect(body).toMatchObject({ status: 'success', message: 'model reloaded' });
      for (const name of ['worker-a', 'worker-b']) await waitFor(new RegExp(`${name}\\s+\\| easel worker: model \\S+easel-tiny evicted \\(reload\\)`));
      for (let i = 0; i < 50 && (await loaded()).flat().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await loaded()).toEqual([[], []]);
    } finally {
      for (const c of clients) c.close();
    }
  });

  it('a worker killed in the middle of a job: the job finishes on the other worker', async () => {
    const workerA = Number((await waitFor(/worker-a\s+\| easel worker: running diffusion\b.*\(pid (\d+)\)/))[1]);
    // Two long jobs keep both workers (one job each) busy; then one worker dies without warning.
    const jobs = await Promise.all([1, 2].map((seed) => post(`${url}/api/v3/text2img`, { key, prompt: 'a green square', seed, samples: 4, num_inference_steps: 50 })));
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(workerA, 'SIGKILL');
    await waitFor(/worker-a\s+\| exited \(SIGKILL\)/);
    for (const job of jobs) expect((await waitForEnd(job.body.id, 120_000)).status).toBe('success');
    expect((await post(`${url}/api/v3/system_load`, { key })).body.queue_num).toBe(0);
  }, 180_000);
});
