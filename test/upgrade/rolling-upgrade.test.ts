/**
 * An upgrade under traffic, as the chart rolls it out: the previous release's gateway and worker
 * serve while the new release's migrations run (expand), then the new gateway and worker start
 * beside them, then the old ones drain and stop. A client sends jobs the whole time to whichever
 * gateways are up. Every request must be answered, every accepted job must end in success (old
 * jobs finished by new workers and new jobs by old ones included), and the ledger must still
 * equal the balance. CI uses the previous release chosen by previous-release.ts.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { openPostgresDatabase } from '@easel/db';
import { startS3Server, type TestS3Server } from '@easel/testing';
import { freePort, post, REPO_ROOT } from '../e2e/helpers';
import { LoggedProcess } from '../support/logged-process';
import { buildPreviousRelease, previousReleaseCommit } from './previous-release';

const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('a rolling upgrade from the previous release, under traffic', () => {
  const id = randomBytes(4).toString('hex');
  const schema = `upgrade_${id}`;
  const streamPrefix = `upgrade-${id}-`;
  const scratch = mkdtempSync(join(tmpdir(), 'easel-upgrade-'));
  let previous = '';
  let s3: TestS3Server;
  const procs: LoggedProcess[] = [];
  let env: Record<string, string> = {};

  const cli = (root: string) => join(root, 'apps', 'easel', 'dist', 'main.js');
  const start = async (
    name: string,
    root: string,
    command: 'gateway' | 'worker',
    extra: Record<string, string> = {},
  ) => {
    const child = spawn(process.execPath, [cli(root), command], {
      cwd: root,
      env: { ...env, EASEL_HOME: mkdtempSync(join(scratch, `${name}-`)), ...extra },
      stdio: 'pipe',
    });
    const proc = new LoggedProcess(name, child, 120_000);
    procs.push(proc);
    return proc;
  };
  /** Runs `easel migrate` of a release without blocking this process (the traffic goes on meanwhile). */
  const migrate = async (root: string) => {
    const proc = new LoggedProcess(
      `migrate ${root}`,
      spawn(process.execPath, [cli(root), 'migrate'], { cwd: root, env, stdio: 'pipe' }),
      120_000,
    );
    if ((await proc.exited) !== 0) throw new Error(`migrate (${root}) failed:\n${proc.output}`);
  };

  beforeAll(async () => {
    const commit = previousReleaseCommit();
    previous = buildPreviousRelease(commit);
    process.stdout.write(`upgrade: previous release ${commit.slice(0, 12)} built in ${previous}\n`);
    s3 = await startS3Server();
    env = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: `${POSTGRES}?schema=${schema}`,
      NATS_URL,
      EASEL_STREAM_PREFIX: streamPrefix,
      S3_ENDPOINT: `http://127.0.0.1:${s3.port}`,
      S3_BUCKET: `upgrade-${id}`,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      EASEL_SYNC_WINDOW_MS: '0',
      EASEL_ORT_THREADS: '1',
      EASEL_LOG_LEVEL: 'warn',
      // The traffic is text2img only. Naming the one service also keeps a previous commit whose default
      // list named a service before its worker existed (voice at 1a83391) from failing to start.
      EASEL_SERVICES: 'diffusion',
    };
  }, 600_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await s3?.stop();
    const db = await openPostgresDatabase({ url: POSTGRES });
    await db.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.close();
    const nc = await connect({ servers: NATS_URL });
    const jsm = await nc.jetstreamManager();
    for await (const stream of jsm.streams.list())
      if (stream.config.name.startsWith(streamPrefix)) await jsm.streams.delete(stream.config.name);
    await nc.close();
    rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  it('answers every request and finishes every job while the release changes under it', async () => {
    // The previous release, on its own schema.
    await migrate(previous);
    const oldGateway = await start('old-gateway', previous, 'gateway', { PORT: String(await freePort()) });
    const oldWorker = await start('old-worker', previous, 'worker', {
      EASEL_GRPC_PORT: String(await freePort()),
    });
    const oldUrl = (await oldGateway.waitFor(/listening on (\S+)/))[1];
    const key = (await oldGateway.waitFor(/^\s+(esk_\w+)$/m))[1];
    await oldWorker.waitFor(/easel worker: running/);
    // Limits have tests of their own: here every request should be a job, however slow the machine.
    const limits = await post(`${oldUrl}/api/v1/enterprise/tenants/limits`, {
      key,
      rate_limit_per_minute: 1_000_000,
      max_concurrent_jobs: 10_000,
    });
    expect(limits.status).toBe(200);

    const gateways = new Set([oldUrl]);
    const answers: Array<{ phase: string; status: number; id?: number; body: string }> = [];
    let phase = 'old';
    let sending = true;
    const traffic = (async () => {
      for (let i = 0; sending; i++) {
        const url = [...gateways][i % gateways.size];
        try {
          const { status, body } = await post(`${url}/api/v3/text2img`, {
            key,
            prompt: 'a red circle on a blue background',
            seed: i,
            num_inference_steps: 2,
            track_id: `upgrade-${i}`,
          });
          answers.push({ phase, status, id: body.id, body: JSON.stringify(body).slice(0, 200) });
        } catch (error) {
          answers.push({ phase, status: 0, body: (error as Error).message });
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const during = async (name: string, work: () => Promise<void>) => {
      phase = name;
      await work();
      await new Promise((r) => setTimeout(r, 1500));
    };

    await during('old', async () => undefined);
    await during('migrating', () => migrate(REPO_ROOT));
    await during('old+new', async () => {
      const newGateway = await start('new-gateway', REPO_ROOT, 'gateway', { PORT: String(await freePort()) });
      const newWorker = await start('new-worker', REPO_ROOT, 'worker', {
        EASEL_GRPC_PORT: String(await freePort()),
      });
      gateways.add((await newGateway.waitFor(/listening on (\S+)/))[1]);
      await newWorker.waitFor(/easel worker: running/);
    });
    await during('new', async () => {
      gateways.delete(oldUrl); // the Service stops routing to a terminating pod before it gets SIGTERM
      await oldGateway.stop();
      await oldWorker.stop();
    });
    sending = false;
    await traffic;

    const newUrl = [...gateways][0];
    const failures = answers.filter((a) => a.status !== 202 && a.status !== 200);
    const ended = await Promise.all(
      answers
        .filter((a) => a.id !== undefined)
        .map(async (a) => {
          const deadline = Date.now() + 300_000;
          for (;;) {
            const { body } = await post(`${newUrl}/api/v3/fetch/${a.id}`, { key });
            if (body.status !== 'processing' || Date.now() > deadline)
              return { id: a.id, status: body.status as string };
            await new Promise((r) => setTimeout(r, 250));
          }
        }),
    );
    const byPhase = Object.entries(
      answers.reduce<Record<string, number>>((m, a) => ((m[a.phase] = (m[a.phase] ?? 0) + 1), m), {}),
    );
    const report = (await post(`${newUrl}/api/v1/enterprise/credits/report`, { key })).body;
    process.stdout.write(
      `upgrade: ${answers.length} requests (${byPhase.map(([p, n]) => `${p} ${n}`).join(', ')}), ${failures.length} failed, ${ended.filter((e) => e.status === 'success').length}/${ended.length} jobs succeeded\n`,
    );

    expect(failures).toEqual([]);
    expect(answers.filter((a) => a.phase === 'migrating').length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.phase === 'old+new').length).toBeGreaterThan(0);
    expect(ended.filter((e) => e.status !== 'success')).toEqual([]);
    expect(report.credits).toBe(report.ledger_sum);
  }, 600_000);
});
