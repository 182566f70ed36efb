import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { openPostgresDatabase } from '@easel/db';
import { isDatabaseUnavailable } from './database-unavailable';

const POSTGRES = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test');

/** A TCP relay to PostgreSQL that can be cut and stopped, as a server restart cuts and refuses connections. */
async function startRelay(): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(POSTGRES.port || 5432), POSTGRES.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    cut: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('isDatabaseUnavailable', () => {
  it('recognises a server going away, directly or wrapped as a cause', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('query failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }) }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it("recognises what Prisma's model queries throw while the server is gone, and again while it refuses connections", async () => {
    const relay = await startRelay();
    const url = new URL(POSTGRES);
    url.port = String(relay.port);
    url.searchParams.set('schema', `unavailable_${randomBytes(4).toString('hex')}`);
    const db = await openPostgresDatabase({ url: url.toString(), maxConnections: 2 });
    try {
      await db.prisma.$queryRawUnsafe('SELECT 1');
      await relay.cut();
      const errors: unknown[] = [];
      for (let i = 0; i < 3; i++) errors.push(await db.prisma.tenant.findMany().then(() => 'answered', (error: unknown) => error));
      expect(errors.filter((error) => error === 'answered')).toEqual([]);
      for (const error of errors) expect({ error: String(error), unavailable: isDatabaseUnavailable(error) }).toMatchObject({ unavailable: true });
    } finally {
      await db.close().catch(() => undefined);
      const cleanup = await openPostgresDatabase({ url: POSTGRES.toString() });
      await cleanup.sql.exec(`DROP SCHEMA IF EXISTS "${url.searchParams.get('schema')}" CASCADE`);
      await cleanup.close();
    }
  });

  it('leaves every other error alone', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
