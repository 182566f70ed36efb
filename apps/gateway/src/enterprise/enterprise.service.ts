import { cpus, freemem, totalmem, loadavg } from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import { LedgerRepository, TenantNotFoundError, type Database } from '@easel/db';
import type { ModelCatalog } from '@easel/model-store';
import { NotFoundError, ValidationError } from '../common/api-errors';
import { ApiKeysService } from '../keys/api-keys.service';
import type { Principal, Scope } from '../keys/principal';
import { SystemService } from '../system/system.service';
import { TenantsService } from '../tenants/tenants.service';
import { DATABASE, MODEL_CATALOG } from '../tokens';
import { AdminFields } from './admin-fields';

type Body = Record<string, unknown>;

const tenantView = (t: { id: string; name: string; balance: { toFixed(n: number): string }; rateLimitPerMinute: number; maxConcurrentJobs: number; createdAt: Date }) => ({
  id: t.id,
  name: t.name,
  credits: t.balance.toFixed(3),
  rate_limit_per_minute: t.rateLimitPerMinute,
  max_concurrent_jobs: t.maxConcurrentJobs,
  created_at: t.createdAt.toISOString(),
});

/**
 * The operator's endpoints (`/api/v1/enterprise/...`, admin keys): tenants, their keys,
 * credits and limits, and what the deployment is running. Admin keys act for the operator
 * across tenants; a request names its tenant with `tenant_id`, defaulting to the key's own.
 */
@Injectable()
export class EnterpriseService {
  private readonly ledger: LedgerRepository;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    private readonly tenants: TenantsService,
    private readonly keys: ApiKeysService,
    private readonly system: SystemService,
  ) {
    this.ledger = new LedgerRepository(db.prisma);
  }

  private async tenantOf(principal: Principal, fields: AdminFields): Promise<string> {
    const tenantId = fields.uuid('tenant_id') ?? principal.tenantId;
    fields.done();
    if (!(await this.db.prisma.tenant.findUnique({ where: { id: tenantId } }))) throw new NotFoundError('Tenant not found');
    return tenantId;
  }

  async createTenant(body: Body) {
    const f = new AdminFields(body);
    const name = f.string('name', { required: true, max: 100 });
    const credits = f.number('credits', 0, 1e12) ?? 0;
    const rpm = f.integer('rate_limit_per_minute', 1, 1_000_000);
    const concurrent = f.integer('max_concurrent_jobs', 1, 10_000);
    f.done();
    if (await this.db.prisma.tenant.findUnique({ where: { name: name! } })) throw new ValidationError({ name: ['The name has already been taken.'] });
    const { id } = await this.tenants.create(name!, credits);
    const tenant = await this.db.prisma.tenant.update({
      where: { id },
      data: { ...(rpm !== null ? { rateLimitPerMinute: rpm } : {}), ...(concurrent !== null ? { maxConcurrentJobs: concurrent } : {}) },
    });
    return { status: 'success', tenant: tenantView(tenant) };
  }

  async listTenants() {
    const tenants = await this.db.prisma.tenant.findMany({ orderBy: { createdAt: 'asc' } });
    return { status: 'success', tenants: tenants.map(tenantView) };
  }

  async setLimits(principal: Principal, body: Body) {
    const f = new AdminFields(body);
    const rpm = f.integer('rate_limit_per_minute', 1, 1_000_000);
    const concurrent = f.integer('max_concurrent_jobs', 1, 10_000);
    const tenantId = await this.tenantOf(principal, f);
    const tenant = await this.db.prisma.tenant.update({
      where: { id: tenantId },
      data: { ...(rpm !== null ? { rateLimitPerMinute: rpm } : {}), ...(concurrent !== null ? { maxConcurrentJobs: concurrent } : {}) },
    });
    this.keys.forget(); // the tenant's keys inherit these limits
    return { status: 'success', tenant: tenantView(tenant) };
  }

  /**
   * A tenant's retention overrides: `artifacts_days`, `jobs_days`, `webhook_logs_days` (0 keeps
   * forever; "default" returns to the deployment's EASEL_RETAIN_*_DAYS); fields left out are kept.
   */
  async setRetention(principal: Principal, body: Body) {
    const f = new AdminFields(body);
    const days = (field: string): number | null | undefined => (String(body[field] ?? '').trim().toLowerCase() === 'default' ? null : (f.integer(field, 0, 36_500) ?? undefined));
    const artifacts = days('artifacts_days');
    const jobs = days('jobs_days');
    const logs = days('webhook_logs_days');
    const tenantId = await this.tenantOf(principal, f);
    const tenant = await this.db.prisma.tenant.update({
      where: { id: tenantId },
      data: { retainArtifactsDays: artifacts, retainJobsDays: jobs, retainWebhookLogsDays: logs },
    });
    return {
      status: 'success',
      tenant_id: tenant.id,
      retention: { artifacts_days: tenant.retainArtifactsDays ?? 'default', jobs_days: tenant.retainJobsDays ?? 'default', webhook_logs_days: tenant.retainWebhookLogsDays ?? 'default' },
    };
  }

  async createKey(principal: Principal, body: Body) {
    const f = new AdminFields(body);
    const name = f.string('name', { max: 100 }) ?? '';
    const scopes = (f.list('scopes') ?? ['generate']) as Scope[];
    const rpm = f.integer('rate_limit_per_minute', 1, 1_000_000);
    const concurrent = f.integer('max_concurrent_jobs', 1, 10_000);
    const tenantId = await this.tenantOf(principal, f);
    const created = await this.keys.create({ tenantId, name, scopes, rateLimitPerMinute: rpm, maxConcurrentJobs: concurrent });
    return { status: 'success', id: created.id, prefix: created.prefix, api_key: created.key, tenant_id: tenantId, message: 'Store the key now: it is not shown again.' };
  }

  async listKeys(principal: Principal, body: Body) {
    const tenantId = await this.tenantOf(principal, new AdminFields(body));
    return { status: 'success', tenant_id: tenantId, keys: await this.keys.list(tenantId) };
  }

  async revokeKey(principal: Principal, body: Body) {
    const f = new AdminFields(body);
    const keyId = f.string('key_id', { required: true });
    const tenantId = await this.tenantOf(principal, f);
    await this.keys.revoke(tenantId, keyId!);
    return { status: 'success', message: 'key revoked' };
  }

  async addCredits(principal: Principal, body: Body) {
    const f = new AdminFields(body);
    const amount = f.number('amount', 0.001, 1e12, { required: true });
    const note = f.string('note', { max: 500 }) ?? 'granted by an operator';
    const tenantId = await this.tenantOf(principal, f);
    try {
      const balance = await this.ledger.grant(tenantId, amount!, note);
      return { status: 'success', tenant_id: tenantId, credits: Number(balance).toFixed(3) };
    } catch (error) {
      if (error instanceof TenantNotFoundError) throw new NotFoundError('Tenant not found');
      throw error;
    }
  }

  /** The balance, every ledger row (newest first, up to `limit`) and their sum, which equals the balance. */
  async creditReport(principal: Principal, body: Body) {
    const f = new AdminFields(body);
    const limit = f.integer('limit', 1, 10_000) ?? 100;
    const tenantId = await this.tenantOf(principal, f);
    const [balance, sum, entries] = await Promise.all([
      this.ledger.balance(tenantId),
      this.ledger.ledgerSum(tenantId),
      this.db.prisma.ledgerEntry.findMany({ where: { tenantId }, orderBy: { id: 'desc' }, take: limit }),
    ]);
    return {
      status: 'success',
      tenant_id: tenantId,
      credits: balance,
      ledger_sum: sum,
      entries: entries.map((e) => ({ id: e.id, kind: e.kind, amount: e.amount.toFixed(3), balance_after: e.balanceAfter.toFixed(3), job_id: e.jobId, note: e.note, created_at: e.createdAt.toISOString() })),
    };
  }

  async systemDetails(principal: Principal) {
    const models = await this.catalog.list(principal.tenantId);
    return {
      status: 'success',
      system: {
        cpu: { model: cpus()[0]?.model ?? 'unknown', cores: cpus().length, load_average: loadavg() },
        memory: { total_bytes: totalmem(), free_bytes: freemem() },
        gpu: null,
        node: process.version,
        database: this.db.kind,
      },
      models: models.map((m) => m.modelId),
      queue: await this.system.load(),
    };
  }

  async allModels(principal: Principal) {
    const models = await this.catalog.list(principal.tenantId);
    return { status: 'success', models: models.map((m) => ({ model_id: m.modelId, model_name: m.name, model_category: m.category, visibility: m.visibility, status: m.status })) };
  }
}
