import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { openPostgresDatabase, type Database } from '@easel/db';
import { startS3Server, type TestS3Server } from '@easel/testing';
import { EASEL_CLI, freePort, post } from '../e2e/helpers';

export const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One `easel gateway` or `easel worker` process. */
export class EaselNode {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly name: string, readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d) => (this.output += d));
    child.stderr.on('data', (d) => (this.output += d));
    this.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const started = Date.now();
    for (;;) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (!this.running) throw new Error(`${this.name} exited before printing ${pattern}:\n${this.output}`);
      if (Date.now() - started > timeoutMs) throw new Error(`${this.name}: timed out waiting for ${pattern}:\n${this.output}`);
      await sleep(50);
    }
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.running) this.child.kill(signal);
    await this.exited;
  }
}

/** What the client saw: accepted jobs, refusals, and the job-ended webhooks it received. */
export class ClientLedger {
  readonly accepted = new Set<number>();
  readonly refused: string[] = [];
  /** job id → delivery ids (Easel-Delivery) of the webhooks received, retries of one delivery counted once. */
  readonly webhooks = new Map<number, Map<string, string>>();
  webhookPosts = 0;
}

export interface Tally {
  scenario: string;
  accepted: number;
  succeeded: number;
  failed: number;
  lost: number;
  /** Jobs the client was told about more than once (two distinct job-ended webhooks). */
  deliveredTwice: number;
  refused: number;
}

/**
 * A distributed Easel on this machine's PostgreSQL and NATS: a fresh schema (migrated with
 * `easel migrate`) and stream prefix, an S3 server from packages/testing, one gateway and
 * two workers as separate processes, and a webhook receiver standing for the client.
 */
export class Cluster {
  /** `servers`: the PostgreSQL (without a schema parameter) and NATS to run on; the machine's by default. */
  constructor(private readonly servers: { postgres: string; nats: string } = { postgres: POSTGRES, nats: NATS_URL }) {}

  readonly id = randomBytes(4).toString('hex');
  readonly schema = `fault_${this.id}`;
  readonly streamPrefix = `fault-${this.id}-`;
  readonly ledger = new ClientLedger();
  gateway!: EaselNode;
  workers: EaselNode[] = [];
  url = '';
  key = '';
  db!: Database;
  private s3!: TestS3Server;
  private home = '';
  private port = 0;
  private webhookServer!: Server;
  private webhookUrl = '';
  private env: Record<string, string> = {};

  async start(): Promise<void> {
    this.s3 = await startS3Server();
    this.home = await mkdtemp(join(tmpdir(), 'easel-fault-'));
    await this.startWebhookReceiver();
    this.port = await freePort();
    this.env = {
      PATH: process.env.PATH ?? '',
      EASEL_HOME: this.home,
      DATABASE_URL: `${this.servers.postgres}?schema=${this.schema}`,
      NATS_URL: this.servers.nats,
      EASEL_STREAM_PREFIX: this.streamPrefix,
      S3_ENDPOINT: `http://${this.s3.endPoint}:${this.s3.port}`,
      S3_BUCKET: 'fault-artifacts',
      S3_ACCESS_KEY: this.s3.accessKey,
      S3_SECRET_KEY: this.s3.secretKey,
      EASEL_SYNC_WINDOW_MS: '0',
      EASEL_ACK_WAIT_MS: '3000',
      EASEL_MAX_DELIVERIES: '6',
      EASEL_ORT_THREADS: '1',
      EASEL_LOG_LEVEL: 'warn',
      EASEL_FETCH_ALLOW_HOSTS: '127.0.0.1',
      EASEL_WEBHOOK_SECRET: 'fault-suite-webhook-secret',
      EASEL_WEBHOOK_POLL_MS: '200',
      EASEL_WEBHOOK_BACKOFF_MS: '200,500,1000',
      EASEL_INITIAL_CREDITS: '100000',
      // Trainings checkpoint often, so a killed one has something to resume from.
      EASEL_TRAINER_CHECKPOINT_STEPS: '5',
    };
    const migrate = spawnSync(process.execPath, [EASEL_CLI, 'migrate'], { env: this.env, encoding: 'utf8' });
    if (migrate.status !== 0) throw new Error(`easel migrate failed:\n${migrate.stdout}${migrate.stderr}`);
    this.db = await openPostgresDatabase({ url: this.env.DATABASE_URL });
    await this.startGateway();
    this.key = (await this.gateway.waitFor(/^\s+(esk_\w+)/m))[1];
    // The suite submits more jobs at once than a tenant's defaults allow; limits are not under test here.
    await this.db.sql.exec('UPDATE tenants SET max_concurrent_jobs = 1000, rate_limit_per_minute = 100000');
    this.workers = await Promise.all(['worker-a', 'worker-b'].map((name) => this.startWorker(name)));
  }

  async startGateway(): Promise<EaselNode> {
    this.gateway = this.spawn('gateway', ['gateway'], { PORT: String(this.port) });
    this.url = (await this.gateway.waitFor(/easel gateway: listening on (\S+)/))[1];
    return this.gateway;
  }

  async startWorker(name: string): Promise<EaselNode> {
    // A home of its own, as on another machine: what a worker hands on goes through S3 and the database.
    await mkdir(join(this.home, name), { recursive: true });
    const worker = this.spawn(name, ['worker'], { EASEL_GRPC_PORT: String(await freePort()), EASEL_HOME: join(this.home, name) });
    await worker.waitFor(/easel worker: running diffusion/);
    return worker;
  }

  /** The webhook URL standing for the client. */
  get webhook(): string {
    return this.webhookUrl;
  }

  /** One more `easel gateway` on `port` (beside `gateway`), as a replica of the same deployment. */
  async startReplica(name: string, port: number): Promise<{ node: EaselNode; url: string }> {
    const node = this.spawn(name, ['gateway'], { PORT: String(port) });
    return { node, url: (await node.waitFor(/easel gateway: listening on (\S+)/))[1] };
  }

  private spawn(name: string, args: string[], extra: Record<string, string>): EaselNode {
    return new EaselNode(name, spawn(process.execPath, [EASEL_CLI, ...args], { env: { ...this.env, ...extra }, stdio: 'pipe' }));
  }

  /** A small job (128×128, 6 steps); the client keeps its id when the answer accepts it. */
  async submit(seed: number): Promise<number | null> {
    try {
      const { status, body } = await post(`${this.url}/api/v3/text2img`, {
        key: this.key,
        prompt: 'a blue square on a white background',
        width: 128,
        height: 128,
        num_inference_steps: 6,
        seed,
        webhook: this.webhookUrl,
      });
      if (status >= 200 && status < 300 && (body.status === 'processing' || body.status === 'success') && Number.isInteger(Number(body.id))) {
        this.ledger.accepted.add(Number(body.id));
        return Number(body.id);
      }
      this.ledger.refused.push(`HTTP ${status} ${JSON.stringify(body).slice(0, 200)}`);
    } catch (error) {
      this.ledger.refused.push(`no answer: ${(error as Error).message}`);
    }
    return null;
  }

  /** Polls fetch until every job has ended (success or failed) or the deadline passes. */
  async settle(jobIds: number[], timeoutMs = 60_000): Promise<Map<number, string>> {
    const outcome = new Map<number, string>();
    const deadline = Date.now() + timeoutMs;
    while (outcome.size < jobIds.length && Date.now() < deadline) {
      for (const id of jobIds.filter((j) => !outcome.has(j))) {
        try {
          const { body } = await post(`${this.url}/api/v3/fetch/${id}`, { key: this.key });
          if (body.status === 'success' || body.status === 'failed' || body.status === 'error') outcome.set(id, body.status);
        } catch {
          // the gateway may be restarting: ask again
        }
      }
      if (outcome.size < jobIds.length) await sleep(250);
    }
    return outcome;
  }

  /** Waits (bounded) until every ended job's webhook arrived, then counts what the client saw. */
  async tally(scenario: string, jobIds: number[], outcome: Map<number, string>, refusedBefore: number): Promise<Tally> {
    const ended = jobIds.filter((id) => outcome.has(id));
    const deadline = Date.now() + 15_000;
    while (ended.some((id) => !this.ledger.webhooks.has(id)) && Date.now() < deadline) await sleep(100);
    await sleep(500); // a second, distinct delivery would come right after the first
    const statuses = [...outcome.values()];
    return {
      scenario,
      accepted: jobIds.length,
      succeeded: statuses.filter((s) => s === 'success').length,
      failed: statuses.filter((s) => s !== 'success').length,
      lost: jobIds.length - outcome.size,
      deliveredTwice: jobIds.filter((id) => (this.ledger.webhooks.get(id)?.size ?? 0) > 1).length,
      refused: this.ledger.refused.length - refusedBefore,
    };
  }

  /** Deliveries (attempts) each job took, from the database. */
  async attempts(jobIds: number[]): Promise<Map<number, number>> {
    const rows = await this.db.sql.query<{ id: number; attempts: number }>('SELECT id, attempts FROM jobs WHERE id = ANY($1::int[])', [jobIds]);
    return new Map(rows.map((r) => [Number(r.id), Number(r.attempts)]));
  }

  /** Job rows still queued or running that no accepted answer named (a refused request that left a row behind). */
  async unfinishedNotAccepted(): Promise<string[]> {
    const rows = await this.db.sql.query<{ id: number; status: string }>("SELECT id, status FROM jobs WHERE status IN ('queued', 'running') ORDER BY id");
    return rows.filter((r) => !this.ledger.accepted.has(Number(r.id))).map((r) => `${r.id} (${r.status})`);
  }

  /** The worker whose trainer (a child process) is running now, if any. */
  trainingWorker(): EaselNode | undefined {
    return this.workers.find((w) => {
      const children = spawnSync('pgrep', ['-f', '-P', String(w.child.pid), 'train.py'], { encoding: 'utf8' });
      return children.status === 0 && children.stdout.trim() !== '';
    });
  }

  async runningJobs(): Promise<number> {
    const rows = await this.db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE status = 'running'");
    return Number(rows[0].n);
  }

  async stop(): Promise<void> {
    await Promise.all([this.gateway, ...this.workers].filter(Boolean).map((node) => node.kill('SIGKILL')));
    await this.db?.sql.exec(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`).catch(() => undefined);
    await this.db?.close().catch(() => undefined);
    await deleteStreams(this.servers.nats, this.streamPrefix).catch((error) => process.stderr.write(`fault suite: could not delete streams ${this.streamPrefix}*: ${error}\n`));
    await new Promise((r) => this.webhookServer?.close(r));
    await this.s3?.stop();
    if (this.home) await rm(this.home, { recursive: true, force: true });
  }

  private async startWebhookReceiver(): Promise<void> {
    this.webhookServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.ledger.webhookPosts++;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: number | string; status?: string };
          const delivery = String(req.headers['easel-delivery'] ?? '');
          const jobId = Number(body.id);
          if (Number.isInteger(jobId)) {
            const seen = this.ledger.webhooks.get(jobId) ?? new Map<string, string>();
            seen.set(delivery, body.status ?? '');
            this.ledger.webhooks.set(jobId, seen);
          }
        } catch {
          // not JSON: not Easel's
        }
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => this.webhookServer.listen(0, '127.0.0.1', r));
    this.webhookUrl = `http://127.0.0.1:${(this.webhookServer.address() as { port: number }).port}/hook`;
  }
}

async function deleteStreams(servers: string, prefix: string): Promise<void> {
  const nc = await connect({ servers, timeout: 10_000 });
  try {
    const jsm = await nc.jetstreamManager();
    for await (const stream of jsm.streams.list()) if (stream.config.name.startsWith(prefix)) await jsm.streams.delete(stream.config.name);
  } finally {
    await nc.close();
  }
}

const NATS_BINARY = '/usr/sbin/nats-server';
const NATS_PID_FILE = join(tmpdir(), 'easel-fault-machine-nats.pid');
const NATS_ARGS = ['-a', '127.0.0.1', '-p', '4222', '-js', '-sd', '/var/lib/nats-server', '-l', '/var/log/nats-server.log'];

/** The machine's NATS (its store is NATS_ARGS's), not a private one a soak started beside it. */
export function natsPids(): number[] {
  let pids: number[];
  try {
    pids = execFileSync('pgrep', ['-x', 'nats-server'], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  const store = NATS_ARGS[NATS_ARGS.indexOf('-sd') + 1];
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(store);
    } catch {
      return false;
    }
  });
}

export async function natsAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(4222, '127.0.0.1', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Starts the machine's NATS (as it was started) unless it runs; resolves once it answers. */
export async function ensureNatsRunning(timeoutMs = 10_000): Promise<void> {
  if (natsPids().length === 0) {
    // A pid file of its own: matched by executable alone, another nats-server (a soak's) would pass for it.
    execFileSync('start-stop-daemon', ['--start', '--background', '--pidfile', NATS_PID_FILE, '--make-pidfile', '--exec', NATS_BINARY, '--', ...NATS_ARGS]);
  }
  const deadline = Date.now() + timeoutMs;
  while (!(await natsAnswers())) {
    if (Date.now() > deadline) throw new Error('NATS did not come back on 127.0.0.1:4222');
    await sleep(25);
  }
}

/**
 * Stops the machine's NATS (SIGTERM: it flushes JetStream) and starts it again at once.
 * Returns how long nothing answered on 4222, in ms. Needs root (the server runs as root).
 */
export async function restartNats(): Promise<number> {
  if (process.getuid?.() !== 0) throw new Error('restarting the machine\'s NATS needs root: run the fault suite as root (it cannot be skipped)');
  const pids = natsPids();
  if (pids.length !== 1) throw new Error(`expected one nats-server, found ${pids.length}`);
  const down = Date.now();
  process.kill(pids[0], 'SIGTERM');
  for (let i = 0; i < 200 && natsPids().includes(pids[0]); i++) await sleep(10);
  if (natsPids().includes(pids[0])) process.kill(pids[0], 'SIGKILL');
  while (natsPids().includes(pids[0])) await sleep(10);
  await ensureNatsRunning();
  return Date.now() - down;
}
