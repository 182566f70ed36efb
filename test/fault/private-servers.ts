import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../e2e/helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function answersOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** PostgreSQL's programs (Debian's layout, newest version first), or null where it is not installed. */
function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const bin = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'pg_ctl')));
  return bin ?? null;
}

/**
 * A PostgreSQL server of this test's own (initdb in a temp dir, its own port), so that restarting
 * it disturbs no other suite sharing the machine's server. PostgreSQL refuses to run as root: as
 * root, it runs as the `postgres` user.
 */
export class PrivatePostgres {
  readonly port: number;
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    port: number,
  ) {
    this.port = port;
  }

  static available(): boolean {
    return postgresBin() !== null;
  }

  static async start(): Promise<PrivatePostgres> {
    const bin = postgresBin();
    if (!bin) throw new Error('PostgreSQL programs not found under /usr/lib/postgresql');
    const dir = mkdtempSync(join(tmpdir(), 'easel-soak-pg-'));
    if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
    const server = new PrivatePostgres(bin, dir, await freePort());
    server.run('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await server.startServer();
    return server;
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Stops the server as a crash would (`immediate`: no checkpoint, WAL replayed at start), then starts it. */
  async restart(downMs = 0): Promise<void> {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    if (downMs > 0) await sleep(downMs);
    await this.startServer();
  }

  async stop(): Promise<void> {
    try {
      this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private async startServer() {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'server.log'), '-o', options, '-w', 'start']);
    await waitUntil('private PostgreSQL', () => answersOn(this.port));
  }

  private run(program: string, args: string[]) {
    const command = join(this.bin, program);
    if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
    else execFileSync(command, args, { stdio: 'pipe' });
  }
}

/** A NATS server with JetStream of this test's own (its own port and store), restartable at will. */
export class PrivateNats {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static available(): boolean {
    return existsSync(PrivateNats.binary);
  }

  static binary = process.env.NATS_SERVER_BINARY ?? '/usr/sbin/nats-server';

  static async start(): Promise<PrivateNats> {
    const server = new PrivateNats(await freePort(), mkdtempSync(join(tmpdir(), 'easel-soak-nats-')));
    await server.startServer();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** SIGTERM (JetStream flushes its store), then the same server again on the same port and store. */
  async restart(downMs = 0): Promise<void> {
    await this.stopServer();
    if (downMs > 0) await sleep(downMs);
    await this.startServer();
  }

  async stop(): Promise<void> {
    await this.stopServer();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async startServer() {
    this.child = spawn(PrivateNats.binary, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir], { stdio: 'ignore' });
    await waitUntil('private NATS', () => answersOn(this.port));
  }

  private async stopServer() {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }
}
