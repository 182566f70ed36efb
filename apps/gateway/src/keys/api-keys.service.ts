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

@Injectable()
export class ApiKeysService {
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
    const row = await this.db.prisma.apiKey.findUnique({ where: { prefix }, include: { tenant: true } });
    if (!row || row.revokedAt || !hashesMatch(row.secretHash, hashKey(key))) throw new InvalidApiKeyError();
    return {
      tenantId: row.tenantId,
      keyId: row.id,
      keyPrefix: row.prefix,
      scopes: row.scopes as Scope[],
      rateLimitPerMinute: row.rateLimitPerMinute ?? row.tenant.rateLimitPerMinute,
      maxConcurrentJobs: row.maxConcurrentJobs ?? row.tenant.maxConcurrentJobs,
    };
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
    if (count === 0) throw new NotFoundError('Key not found');
  }

  async countAll(): Promise<number> {
    return this.db.prisma.apiKey.count();
  }
}
