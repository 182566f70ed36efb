import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@easel/db';
import { InvalidApiKeyError, NotFoundError, ValidationError } from '../common/api-errors';
import { isUuid } from '../common/uuid';
import { DATABASE } from '../tokens';
import { generateKey, hashesMatch, hashKey, prefixOf } from './key-format';
import { SCOPES, type Principal, type Scope } from './principal';

export interface CreateKeyInput {
  tenantId: string;
  name?: string;
  scopes?: Scope[];
  rateLimitPerMinute?: number | null;
  maxConcurrentJobs?: number | null;
}

export interface KeySummary {
  id: string;
  prefix: string;
  name: string;
  scopes: string[];
  revoked: boolean;
  created_at: string;
  last_used_at: string | null;
}

/**
 * How long this process reuses a resolved key without asking the database. A revocation or a
 * limit change made through this process applies at once (forget()); one made through another
 * gateway replica applies within this time.
 */
export const KEY_CACHE_MS = 5_000;
/** Entries kept at most; past that the cache starts over (only live keys are ever cached). */
const KEY_CACHE_MAX = 10_000;

interface KeyRow {
  id: string;
  tenant_id: string;
  prefix: string;
  secret_hash: string;
  scopes: string[];
  revoked_at: Date | null;
  rate_limit_per_minute: number | null;
  max_concurrent_jobs: number | null;
  tenant_rate_limit_per_minute: number;
  tenant_max_concurrent_jobs: number;
}

@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, { secretHash: string; principal: Principal; at: number }>();

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async create(input: CreateKeyInput): Promise<{ id: string; key: string; prefix: string }> {
    const scopes = input.scopes ?? ['generate'];
    const unknown = scopes.filter((scope) => !SCOPES.includes(scope));
    if (unknown.length > 0) {
      throw new ValidationError({ scopes: [`The selected scopes is invalid: ${unknown.join(', ')}.`] });
    }
    const { key, prefix, secretHash } = generateKey();
    const row = await this.db.prisma.apiKey.create({
      data: {
        tenantId: input.tenantId,
        prefix,
        secretHash,
        name: input.name ?? '',
        scopes,
        rateLimitPerMinute: input.rateLimitPerMinute ?? null,
        maxConcurrentJobs: input.maxConcurrentJobs ?? null,
      },
    });
    return { id: row.id, key, prefix };
  }

  /** Resolves a key from a request body; any failure is the dialect's "Invalid Api Key". */
  async authenticate(key: unknown): Promise<Principal> {
    if (typeof key !== 'string') throw new InvalidApiKeyError();
    const prefix = prefixOf(key);
    if (!prefix) throw new InvalidApiKeyError();
    const hash = hashKey(key);
    const cached = this.cache.get(prefix);
    if (cached && Date.now() - cached.at < KEY_CACHE_MS) {
      if (!hashesMatch(cached.secretHash, hash)) throw new InvalidApiKeyError();
      return cached.principal;
    }
    // One statement (key and tenant joined) on the path of every request.
    const [row] = await this.db.sql.query<KeyRow>(
      `SELECT k.id, k.tenant_id, k.prefix, k.secret_hash, k.scopes, k.revoked_at, k.rate_limit_per_minute, k.max_concurrent_jobs,
              t.rate_limit_per_minute AS tenant_rate_limit_per_minute, t.max_concurrent_jobs AS tenant_max_concurrent_jobs
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.prefix = $1`,
      [prefix],
    );
    if (!row || row.revoked_at || !hashesMatch(row.secret_hash, hash)) throw new InvalidApiKeyError();
    // Frozen: one cached object is shared by every request of the key.
    const principal: Principal = Object.freeze({
      tenantId: row.tenant_id,
      keyId: row.id,
      keyPrefix: row.prefix,
      scopes: row.scopes as Scope[],
      rateLimitPerMinute: row.rate_limit_per_minute ?? row.tenant_rate_limit_per_minute,
      maxConcurrentJobs: row.max_concurrent_jobs ?? row.tenant_max_concurrent_jobs,
    });
    if (this.cache.size >= KEY_CACHE_MAX) this.cache.clear();
    this.cache.set(prefix, { secretHash: row.secret_hash, principal, at: Date.now() });
    return principal;
  }

  /** Drops every cached key, so a revocation or a limit change applies to the next request. */
  forget(): void {
    this.cache.clear();
  }

  async list(tenantId: string): Promise<KeySummary[]> {
    const rows = await this.db.prisma.apiKey.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => ({
      id: row.id,
      prefix: row.prefix,
      name: row.name,
      scopes: row.scopes,
      revoked: row.revokedAt !== null,
      created_at: row.createdAt.toISOString(),
      last_used_at: row.lastUsedAt?.toISOString() ?? null,
    }));
  }

  /** Revokes by id or prefix, within one tenant only. */
  async revoke(tenantId: string, idOrPrefix: string): Promise<void> {
    const isPrefix = idOrPrefix.startsWith('esk_');
    if (!isPrefix && !isUuid(idOrPrefix)) throw new NotFoundError('Key not found');
    const { count } = await this.db.prisma.apiKey.updateMany({
      where: { tenantId, revokedAt: null, ...(isPrefix ? { prefix: idOrPrefix } : { id: idOrPrefix }) },
      data: { revokedAt: new Date() },
    });
    this.forget();
    if (count === 0) throw new NotFoundError('Key not found');
  }

  async countAll(): Promise<number> {
    return this.db.prisma.apiKey.count();
  }
}
