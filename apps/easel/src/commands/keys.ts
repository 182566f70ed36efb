import { join } from 'node:path';
import type { EaselConfig } from '@easel/config';
import { applyMigrations, openEmbeddedDatabase, openPostgresDatabase, type Database } from '@easel/db';
import { ApiKeysService, isUuid } from '@easel/gateway';
import { CliError } from '../cli-error';
import { claimHome } from '../embedded/home-lock';

type Scope = 'generate' | 'admin';

/** The database `easel keys` works on: DATABASE_URL when set, else the embedded one in EASEL_HOME. */
async function withDatabase<T>(config: EaselConfig, work: (db: Database) => Promise<T>): Promise<T> {
  if (config.DATABASE_URL) {
    const db = await openPostgresDatabase({ url: config.DATABASE_URL });
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  }
  const release = await claimHome(config.home).catch((error: Error) => {
    throw new CliError(`${error.message}. While it runs, manage keys through the API: POST /api/v1/enterprise/keys/create|list|revoke with an admin key`);
  });
  const db = await openEmbeddedDatabase({ dataDir: join(config.home, 'db') });
  try {
    await applyMigrations(db.sql);
    return await work(db);
  } finally {
    await db.close();
    await release();
  }
}

async function tenantId(db: Database, requested: string | undefined): Promise<string> {
  const tenant = requested
    ? await db.prisma.tenant.findFirst({ where: { OR: [{ name: requested }, ...(isUuid(requested) ? [{ id: requested }] : [])] } })
    : await db.prisma.tenant.findUnique({ where: { name: 'default' } });
  if (!tenant) throw new CliError(requested ? `no tenant named or with id ${requested}` : 'no default tenant yet: run `easel up` once first');
  return tenant.id;
}

export interface KeyCreateOptions {
  tenant?: string;
  name?: string;
  scopes: string;
  rateLimit?: string;
  maxConcurrent?: string;
}

const positive = (flag: string, value: string | undefined) => {
  if (value === undefined) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} must be a positive integer, not ${JSON.stringify(value)}`);
  return n;
};

export async function keysCreate(config: EaselConfig, options: KeyCreateOptions): Promise<void> {
  const scopes = options.scopes.split(',').map((s) => s.trim()) as Scope[];
  const rateLimitPerMinute = positive('--rate-limit', options.rateLimit);
  const maxConcurrentJobs = positive('--max-concurrent', options.maxConcurrent);
  await withDatabase(config, async (db) => {
    const keys = new ApiKeysService(db);
    const created = await keys.create({ tenantId: await tenantId(db, options.tenant), name: options.name ?? '', scopes, rateLimitPerMinute, maxConcurrentJobs }).catch((error: Error) => {
      throw new CliError(error.message);
    });
    process.stdout.write(`created key ${created.prefix} (id ${created.id}); the secret is shown only now:\n${created.key}\n`);
  });
}

export async function keysList(config: EaselConfig, options: { tenant?: string }): Promise<void> {
  await withDatabase(config, async (db) => {
    const rows = await new ApiKeysService(db).list(await tenantId(db, options.tenant));
    for (const k of rows) {
      process.stdout.write(`${k.prefix}\t${k.id}\t${k.scopes.join(',')}\t${k.revoked ? 'revoked' : 'active'}\t${k.name}\n`);
    }
  });
}

export async function keysRevoke(config: EaselConfig, idOrPrefix: string, options: { tenant?: string }): Promise<void> {
  await withDatabase(config, async (db) => {
    await new ApiKeysService(db).revoke(await tenantId(db, options.tenant), idOrPrefix).catch((error: Error) => {
      throw new CliError(`could not revoke ${idOrPrefix}: ${error.message}`);
    });
    process.stdout.write(`revoked ${idOrPrefix}\n`);
  });
}
