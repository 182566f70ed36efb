import { Inject, Injectable } from '@nestjs/common';
import { LedgerRepository, type Database } from '@easel/db';
import type { EaselConfig } from '@easel/config';
import { ApiKeysService } from '../keys/api-keys.service';
import { CONFIG, DATABASE } from '../tokens';

export interface BootstrapResult {
  tenantId: string;
  /** Present only on the very first start: the admin key, to be shown once. */
  adminKey: string | null;
}

@Injectable()
export class TenantsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) private readonly config: EaselConfig,
    private readonly keys: ApiKeysService,
    private readonly ledger: LedgerRepository,
  ) {}

  async create(name: string, credits: number): Promise<{ id: string }> {
    return this.db.prisma.$transaction(async (tx) => {
      const tenant = await tx.tenant.create({ data: { name } });
      if (credits > 0) await this.ledger.grant(tenant.id, credits, 'initial credits', tx);
      return { id: tenant.id };
    });
  }

  /** On a database with no key at all, creates the `default` tenant and its admin key. */
  async bootstrap(): Promise<BootstrapResult> {
    const existing = await this.db.prisma.tenant.findUnique({ where: { name: 'default' } });
    if ((await this.keys.countAll()) > 0) return { tenantId: existing?.id ?? '', adminKey: null };
    const tenant = existing ?? (await this.create('default', this.config.EASEL_INITIAL_CREDITS));
    const { key } = await this.keys.create({ tenantId: tenant.id, name: 'admin (created at first start)', scopes: ['admin', 'generate'] });
    return { tenantId: tenant.id, adminKey: key };
  }
}
