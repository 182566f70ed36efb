import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { loadConfig } from '@easel/config';
import { startEmbedded, type EmbeddedEaselInstance } from '@easel/easel';

export const REPO_ROOT = resolve(__dirname, '../..');
export const EASEL_CLI = join(REPO_ROOT, 'apps/easel/dist/main.js');

export const tempHome = () => mkdtemp(join(tmpdir(), 'easel-e2e-'));

/**
 * The sync window of suites that judge finished jobs, not the window itself: a 20-step batch beside
 * another suite on a loaded CI machine outlived the 8 s default and answered 202 (the window's own
 * behaviour is tested with windows of its own: 0 in progress-events and the playground, 500 ms in responsive).
 */
export const JUDGED_SYNC_WINDOW_MS = '120000';

/**
 * Embedded Easel for a suite: a temporary EASEL_HOME, a free port, errors-only logs, the judged sync
 * window, plus `env`; `close` stops it and removes its home.
 */
export async function startTestEasel(env: Record<string, string> = {}): Promise<{ easel: EmbeddedEaselInstance; key: string; close(): Promise<void> }> {
  const home = await tempHome();
  const easel = await startEmbedded(loadConfig({ EASEL_HOME: home, PORT: '0', EASEL_LOG_LEVEL: 'error', EASEL_SYNC_WINDOW_MS: JUDGED_SYNC_WINDOW_MS, ...env }));
  return {
    easel,
    key: easel.adminKey!,
    async close() {
      await easel.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** A model directory as the archive load_model takes: its files under one folder named like it, stored uncompressed. */
export async function zipModelDir(dir: string): Promise<Buffer> {
  const files: Record<string, Uint8Array> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else files[`${basename(dir)}/${relative(dir, join(d, e.name))}`] = await readFile(join(d, e.name));
    }
  };
  await walk(dir);
  return Buffer.from(zipSync(files, { level: 0 }));
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Record<string, any> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

/**
 * A job's final answer: one still `processing` (longer than the sync window) is followed through its
 * `fetch_result` link, as a client does, every half second, for at most five minutes.
 */
export async function followToEnd(answer: Awaited<ReturnType<typeof post>>, key: string): Promise<Awaited<ReturnType<typeof post>>> {
  for (let i = 0; answer.body.status === 'processing' && i < 600; i++) {
    await new Promise((done) => setTimeout(done, 500));
    answer = await post(answer.body.fetch_result, { key });
  }
  return answer;
}

/** `easel up` as a child process; resolves once it prints its URL. */
export class EaselProcess {
  output = '';
  private exited: Promise<number | null>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d) => (this.output += d));
    child.stderr.on('data', (d) => (this.output += d));
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
  }

  static async start(env: Record<string, string>, args: string[] = []): Promise<EaselProcess> {
    const child = spawn(process.execPath, [EASEL_CLI, 'up', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' });
    const easel = new EaselProcess(child);
    await easel.waitFor(/listening on (\S+)/, 60_000);
    return easel;
  }

  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const started = Date.now();
    for (;;) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null) throw new Error(`easel exited (${this.child.exitCode}) before printing ${pattern}:\n${this.output}`);
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${pattern}:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** A tenant of its own with `credits` (created with the admin key), its API key, and its balance as the operator reads it. */
export async function createTenant(url: string, adminKey: string, name: string, credits: string): Promise<{ id: string; key: string; balance(): Promise<string> }> {
  const admin = (path: string, body: Record<string, unknown>) => post(`${url}/api/v1/enterprise/${path}`, { key: adminKey, ...body });
  const tenant = (await admin('tenants/create', { name, credits })).body.tenant as { id: string };
  const key = (await admin('keys/create', { tenant_id: tenant.id, name: `${name} app` })).body.api_key as string;
  const balance = async () => ((await admin('tenants/list', {})).body.tenants as Array<{ id: string; credits: string }>).find((x) => x.id === tenant.id)!.credits;
  return { id: tenant.id, key, balance };
}

/** Files served on 127.0.0.1 by path (what load_model or a voice URL fetches in a test); 404 for any other path. */
export async function serveFiles(files: Record<string, Buffer>): Promise<{ base: string; close(): Promise<void> }> {
  const server = createHttpServer((req, res) => {
    const body = files[req.url ?? ''];
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
