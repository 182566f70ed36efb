// The bare baseline run.mjs compares Easel's gateway with: the irreducible work of accepting a job
// over HTTP on the same PostgreSQL and NATS, and nothing else — the key looked up by its hash
// (cached 5 s), one INSERT of the job, one JetStream publish with the job id as message id, one
// answer. Its own schema and stream, dropped at the end. Started by run.mjs over IPC.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fastify = createRequire(join(ROOT, 'apps', 'gateway', 'package.json'))('fastify');
const { Pool } = createRequire(join(ROOT, 'packages', 'db', 'package.json'))('pg');
const { connect, RetentionPolicy, StorageType, nanos } = createRequire(join(ROOT, 'packages', 'jobs', 'package.json'))(
  'nats',
);

const KEY_CACHE_MS = 5_000;
const options = JSON.parse(process.env.BENCH_OPTIONS ?? '{}');
const schema = `easel_bench_baseline_${process.pid}`;
const stream = `bench-baseline-${process.pid}`;
const subject = `${stream}.jobs`;

const url = new URL(process.env.DATABASE_URL);
url.searchParams.delete('schema');
url.searchParams.set('application_name', `${options.applicationPrefix}baseline`);
const pool = new Pool({ connectionString: url.toString(), max: options.pool ?? 10, options: `-c search_path=${schema}` });
await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
await pool.query(`
  CREATE TABLE IF NOT EXISTS api_keys (secret_hash text PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid(), tenant_id uuid NOT NULL);
  CREATE TABLE IF NOT EXISTS jobs (
    id serial PRIMARY KEY, tenant_id uuid NOT NULL, api_key_id uuid, kind text NOT NULL, status text NOT NULL DEFAULT 'queued',
    request jsonb NOT NULL, created_at timestamptz(3) NOT NULL DEFAULT now());
  CREATE INDEX IF NOT EXISTS jobs_tenant_created ON jobs (tenant_id, created_at);`);

const nats = await connect({ servers: process.env.NATS_URL });
const manager = await nats.jetstreamManager();
await manager.streams.add({
  name: stream,
  subjects: [subject],
  retention: RetentionPolicy.Workqueue,
  storage: StorageType.File,
  duplicate_window: nanos(120_000),
});
const jetstream = nats.jetstream();

const hashOf = (secret) => createHash('sha256').update(secret).digest('hex');
const keys = [];
for (let i = 0; i < (options.keys ?? 1); i++) {
  const secret = `bsk_${process.pid}_${i}_${Math.random().toString(36).slice(2)}`;
  await pool.query('INSERT INTO api_keys (secret_hash, tenant_id) VALUES ($1, gen_random_uuid())', [hashOf(secret)]);
  keys.push(secret);
}

/** hash → { key row, when read }: a key is read from the database at most once per 5 s. */
const keyCache = new Map();
async function keyFor(secret) {
  const hash = hashOf(secret);
  const cached = keyCache.get(hash);
  if (cached && Date.now() - cached.at < KEY_CACHE_MS) return cached.key;
  const { rows } = await pool.query('SELECT id, tenant_id FROM api_keys WHERE secret_hash = $1', [hash]);
  keyCache.set(hash, { key: rows[0] ?? null, at: Date.now() });
  return rows[0] ?? null;
}

const app = fastify({ logger: false });
app.post('/api/v3/text2img', async (request, reply) => {
  const body = request.body ?? {};
  const key = typeof body.key === 'string' ? await keyFor(body.key) : null;
  if (!key) return reply.code(401).send({ status: 'error', message: 'Invalid API key' });
  const { key: _secret, ...params } = body;
  const { rows } = await pool.query(
    'INSERT INTO jobs (tenant_id, api_key_id, kind, request) VALUES ($1, $2, $3, $4) RETURNING id',
    [key.tenant_id, key.id, 'text2img', JSON.stringify(params)],
  );
  const id = rows[0].id;
  await jetstream.publish(subject, Buffer.from(JSON.stringify({ id, params })), { msgID: String(id) });
  return reply.code(202).send({ status: 'processing', id, eta: 1 });
});
await app.listen({ port: 0, host: '127.0.0.1' });

process.on('message', async (message) => {
  if (message !== 'stop') return;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await app.close();
  await manager.streams.delete(stream).catch(() => undefined);
  await nats.close();
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
  process.disconnect();
});
process.send({ type: 'ready', url: `http://127.0.0.1:${app.server.address().port}`, keys, pid: process.pid });
