/**
 * Runs the chart, not only renders it: every Deployment's container (and the migrations hook)
 * is started as a local process with its rendered command and environment — the repo's build in
 * place of the image, the cluster's service hostnames pointed at 127.0.0.1 — then jobs are sent
 * through the gateway to each enabled pool and must finish. A chart whose gateway publishes to
 * pools no worker pulls (or whose workers run services the image lacks) fails here.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import sharp from 'sharp';
import { openPostgresDatabase } from '@easel/db';
import { startS3Server, type TestS3Server } from '@easel/testing';
import { freePort, post, REPO_ROOT } from '../e2e/helpers';
import { LoggedProcess } from '../support/logged-process';
import { buildRenderer, CHART_DIR, render, type RenderedManifest, type RenderOutput } from './render';

const POSTGRES_HOST = process.env.TEST_POSTGRES_HOST ?? '127.0.0.1';
const NATS_PORT = 4222;

/** The container's filesystem paths that stand for the repo and a scratch home here. */
type Env = Record<string, string>;

interface Container {
  name: string;
  command: string[];
  env: Env;
}

/** `postgresql://postgres@db.easel.svc:5432/...` → the same URL on 127.0.0.1 (ports kept). */
const toLoopback = (value: string) =>
  value.replace(
    /^([a-z]+:\/\/(?:[^@/]*@)?)([^:/?]+)/i,
    (_m, scheme: string, host: string) => `${scheme}${host === POSTGRES_HOST ? host : '127.0.0.1'}`,
  );

function secretValues(out: RenderOutput): Map<string, Env> {
  const secrets = new Map<string, Env>();
  for (const m of out.manifests.filter((m) => m.kind === 'Secret')) {
    const data: Env = { ...(m.object.stringData ?? {}) };
    for (const [k, v] of Object.entries((m.object.data ?? {}) as Env))
      data[k] = Buffer.from(v, 'base64').toString('utf8');
    secrets.set(m.name, data);
  }
  return secrets;
}

/** A container's command and environment as the kubelet would give them (secrets resolved, $(VAR) expanded). */
function containerOf(manifest: RenderedManifest, secrets: Map<string, Env>): Container {
  const spec =
    manifest.kind === 'Job' ? manifest.object.spec.template.spec : manifest.object.spec.template.spec;
  const [container] = spec.containers as Array<{
    name: string;
    command: string[];
    env?: Array<{ name: string; value?: string; valueFrom?: any }>;
  }>;
  const env: Env = {};
  for (const e of container.env ?? []) {
    let value = e.value;
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) value = secrets.get(ref.name)?.[ref.key];
    if (value === undefined) {
      if (ref?.optional) continue;
      throw new Error(`${manifest.name}: env ${e.name} has no value here (${JSON.stringify(e.valueFrom)})`);
    }
    env[e.name] = value.replace(/\$\(([A-Z0-9_]+)\)/g, (_m, name: string) => env[name] ?? '');
  }
  return { name: manifest.name, command: container.command, env };
}

describe('the chart, run: its rendered Deployments as local processes', () => {
  const id = randomBytes(4).toString('hex');
  const schema = `chart_${id}`;
  const streamPrefix = `chart-${id}-`;
  const scratch = mkdtempSync(join(tmpdir(), 'easel-chart-run-'));
  let s3: TestS3Server;
  let out: RenderOutput;
  const pods: LoggedProcess[] = [];
  let url = '';
  let key = '';

  /** The container's command with the repo's build for the image, its ports and home made local. */
  async function start(container: Container, overrides: Env): Promise<LoggedProcess> {
    const [program, ...args] = container.command;
    const env: Env = { PATH: process.env.PATH ?? '' };
    for (const [name, value] of Object.entries(container.env))
      env[name] = /_URL$|_ENDPOINT$/.test(name) ? toLoopback(value) : value;
    Object.assign(env, overrides);
    const child = spawn(program === 'node' ? process.execPath : program, args, {
      cwd: REPO_ROOT,
      env,
      stdio: 'pipe',
    });
    const pod = new LoggedProcess(container.name, child);
    pods.push(pod);
    return pod;
  }

  beforeAll(async () => {
    buildRenderer();
    s3 = await startS3Server();
    const values = {
      fullnameOverride: 'easel',
      postgresql: { enabled: false },
      minio: { enabled: false },
      nats: { enabled: false },
      keda: { enabled: false },
      database: { url: `postgresql://postgres@${POSTGRES_HOST}:5432/test?schema=${schema}` },
      jetstream: { url: `nats://nats.easel-test.svc.cluster.local:${NATS_PORT}`, streamPrefix },
      s3: {
        endpoint: `http://minio.easel-test.svc:${s3.port}`,
        bucket: `chart-${id}`,
        accessKey: s3.accessKey,
        secretKey: s3.secretKey,
      },
      gateway: { replicaCount: 1, env: { EASEL_SYNC_WINDOW_MS: '0' } },
      pools: {
        diffusion: { replicaCount: 1, env: { EASEL_ORT_THREADS: '1' } },
        upscale: { replicaCount: 1 },
      },
    };
    const file = join(scratch, 'values.json');
    writeFileSync(file, JSON.stringify(values));
    out = render(CHART_DIR, { valuesFiles: [file] });
    const secrets = secretValues(out);

    // The migrations hook first, as Helm runs it before the Deployments.
    const hook = out.manifests.find(
      (m) => m.kind === 'Job' && m.object.metadata.annotations?.['helm.sh/hook'],
    )!;
    const migrate = containerOf(hook, secrets);
    const [program, ...args] = migrate.command;
    const migrated = spawnSync(program === 'node' ? process.execPath : program, args, {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        ...Object.fromEntries(
          Object.entries(migrate.env).map(([k, v]) => [k, /_URL$/.test(k) ? toLoopback(v) : v]),
        ),
      },
      encoding: 'utf8',
    });
    if (migrated.status !== 0)
      throw new Error(`migrations hook failed:\n${migrated.stdout}${migrated.stderr}`);

    const deployments = out.manifests.filter((m) => m.kind === 'Deployment');
    for (const deployment of deployments) {
      const container = containerOf(deployment, secrets);
      const home = mkdtempSync(join(scratch, `${deployment.name}-`));
      const component = deployment.object.metadata.labels['app.kubernetes.io/component'];
      if (component === 'gateway') {
        const port = await freePort();
        await start(container, { PORT: String(port), EASEL_HOME: home });
      } else {
        await start(container, {
          EASEL_GRPC_PORT: String(await freePort()),
          EASEL_HOME: home,
          EASEL_MODELS_DIR: join(REPO_ROOT, 'models'),
        });
      }
    }
    const gateway = pods.find((p) => p.name === 'easel-gateway')!;
    url = (await gateway.waitFor(/easel gateway: listening on (\S+)/))[1];
    key = (await gateway.waitFor(/\s+(esk_\w+)/))[1];
    for (const pod of pods.filter((p) => p !== gateway)) await pod.waitFor(/easel worker: running/);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(pods.map((p) => p.stop()));
    await s3?.stop();
    const db = await openPostgresDatabase({ url: `postgresql://postgres@${POSTGRES_HOST}:5432/test` });
    await db.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.close();
    const nc = await connect({ servers: `nats://127.0.0.1:${NATS_PORT}` });
    const jsm = await nc.jetstreamManager();
    for await (const stream of jsm.streams.list())
      if (stream.config.name.startsWith(streamPrefix)) await jsm.streams.delete(stream.config.name);
    await nc.close();
    rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  const waitForEnd = async (jobId: number, timeoutMs = 120_000) => {
    const started = Date.now();
    for (;;) {
      const { body } = await post(`${url}/api/v3/fetch/${jobId}`, { key });
      if (body.status !== 'processing' || Date.now() - started > timeoutMs) return body;
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it('starts one process per Deployment: the gateway and a worker per enabled pool, each on its service and pool', () => {
    const workers = pods
      .filter((p) => p.name !== 'easel-gateway')
      .map((p) => p.name)
      .sort();
    const enabled = Object.entries(out.values.pools as Record<string, { enabled: boolean }>)
      .filter(([, p]) => p.enabled)
      .map(([name]) => `easel-worker-${name}`);
    expect(workers).toEqual(enabled.sort());
    expect(workers).toEqual(expect.arrayContaining(['easel-worker-diffusion', 'easel-worker-upscale']));
    expect(pods.find((p) => p.name === 'easel-worker-upscale')!.output).toMatch(
      /easel worker: running super_resolution\b/,
    );
  });

  it('a text2img job reaches the diffusion pool and finishes', async () => {
    const { body } = await post(`${url}/api/v3/text2img`, {
      key,
      prompt: 'a red circle on a blue background',
      seed: 3,
      num_inference_steps: 2,
    });
    expect(body.status).toBe('processing');
    const done = await waitForEnd(body.id);
    expect({ ...done, error: done.error ?? null }).toMatchObject({
      status: 'success',
      error: null,
      meta: { seed: 3, W: 128, H: 128 },
    });
    const image = await fetch(done.output[0]);
    expect(image.status).toBe(200);
  });

  it('a super_resolution job reaches the upscale pool and comes back twice the size', async () => {
    const input = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 40 } },
    })
      .png()
      .toBuffer();
    const { body } = await post(`${url}/api/v6/image_editing/super_resolution`, {
      key,
      init_image: input.toString('base64'),
      scale: 2,
    });
    expect(body.status).toBe('processing');
    const done = await waitForEnd(body.id);
    expect({ ...done, error: done.error ?? null }).toMatchObject({
      status: 'success',
      error: null,
      meta: { W: 128, H: 96, scale: 2 },
    });
  });
});
