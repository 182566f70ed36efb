import { BundledModelCatalog, type ModelCatalog, type ModelEntry } from '@easel/model-store';
import type { JobRunner } from '@easel/worker';
import { loadConfig } from '@easel/config';
import { eventually } from '@easel/testing';
import { startScriptedWorker } from '../testing/scripted-worker';
import { openTestDatabase, startTestGateway, type TestDatabase, type TestGateway } from '../testing/test-gateway';

interface Answer {
  status: number;
  body: any;
}

/** The bundled models, plus one private model that only `owner` may see and use. */
class CatalogWithPrivateModel implements ModelCatalog {
  owner = '';
  private readonly bundled = new BundledModelCatalog(loadConfig({}).modelsDir);
  private async privateModel(): Promise<ModelEntry> {
    const [base] = await this.bundled.list();
    return { ...base, modelId: 'acme-secret-style', name: 'acme secret style', visibility: 'private', tenantId: this.owner };
  }
  async list(tenantId: string) {
    const models = await this.bundled.list();
    return tenantId === this.owner ? [...models, await this.privateModel()] : models;
  }
  async find(tenantId: string, modelId: string) {
    return (await this.list(tenantId)).find((m) => m.modelId === modelId) ?? null;
  }
}

/**
 * Two tenants on one gateway, on PostgreSQL (a schema of its own) and on the embedded
 * database: the second never fetches, lists or uses the first one's jobs, artifacts,
 * models or keys.
 */
describe.each(['postgres', 'embedded'] as const)('tenant isolation (%s)', (kind) => {
  let database: TestDatabase;
  let harness: TestGateway;
  let worker: JobRunner;
  const catalog = new CatalogWithPrivateModel();
  let acme = { tenantId: '', key: '', prefix: '' };
  let rival = { tenantId: '', key: '' };

  const post = async (url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await harness.gateway.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
    return { status: response.statusCode, body: response.json() };
  };
  const getPath = (link: string) => harness.gateway.app.inject({ method: 'GET', url: new URL(link).pathname });
  const admin = (path: string, body: Record<string, unknown>) => post(`/api/v1/enterprise/${path}`, { key: harness.gateway.bootstrap.adminKey, ...body });

  async function tenantWithKey(name: string) {
    const tenant = await admin('tenants/create', { name, credits: 100 });
    const created = await admin('keys/create', { tenant_id: tenant.body.tenant.id, name: `${name} app` });
    expect(created.body.api_key).toMatch(/^esk_/);
    return { tenantId: tenant.body.tenant.id as string, key: created.body.api_key as string, prefix: created.body.prefix as string };
  }

  /** A finished job of acme's: its id and output links. */
  async function acmeJob(fields: Record<string, unknown> = {}): Promise<{ id: number; links: string[] }> {
    const submitted = await post('/api/v3/text2img', { key: acme.key, prompt: `a red circle ${Math.random()}`, samples: 2, ...fields });
    expect(submitted.status).toBe(202);
    let fetched: Answer | undefined;
    await eventually(async () => {
      fetched = await post(`/api/v3/fetch/${submitted.body.id}`, { key: acme.key });
      expect(fetched.body.status).toBe('success');
    });
    return { id: submitted.body.id, links: fetched!.body.output };
  }

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    harness = await startTestGateway({ db: database.db, catalog });
    worker = await startScriptedWorker(harness);
    acme = await tenantWithKey('acme');
    rival = await tenantWithKey('rival');
    catalog.owner = acme.tenantId;
  }, 60_000);
  afterAll(async () => {
    await worker?.stop(1_000);
    await harness?.close();
    await database?.close();
  });

  it("cannot fetch the other tenant's job by any fetch route, nor read its webhook log", async () => {
    const { id } = await acmeJob({ webhook: 'https://hooks.example.com/acme', track_id: 'acme-1' });
    for (const [url, body] of [
      [`/api/v3/fetch/${id}`, {}],
      [`/api/v3/dreambooth/fetch/${id}`, {}],
      ['/api/v4/dreambooth/fetch', { request_id: id }],
      ['/api/v4/dreambooth/fetch', { request_id: String(id) }],
      ['/api/v3/webhook_logs', { id }],
    ] as const) {
      const answer = await post(url, { key: rival.key, ...body });
      expect({ url, status: answer.status }).toEqual({ url, status: 404 });
      expect(answer.body.status).toBe('error');
      expect(JSON.stringify(answer.body)).not.toMatch(/acme|output|track_id/);
    }
    // The owner still can: the 404s above were about the tenant, not the job.
    expect((await post(`/api/v3/fetch/${id}`, { key: acme.key })).body).toMatchObject({ status: 'success', id, track_id: 'acme-1' });
  });

  it("cannot reach the other tenant's artifacts: a job token opens that job's files only", async () => {
    const mine = await acmeJob();
    const theirs = await (async () => {
      const submitted = await post('/api/v3/text2img', { key: rival.key, prompt: `a blue square ${Math.random()}` });
      let links: string[] = [];
      await eventually(async () => {
        const fetched = await post(`/api/v3/fetch/${submitted.body.id}`, { key: rival.key });
        expect(fetched.body.status).toBe('success');
        links = fetched.body.output;
      });
      return { id: submitted.body.id as number, links };
    })();
    expect((await getPath(mine.links[0])).statusCode).toBe(200);
    expect((await getPath(mine.links[1])).headers['content-type']).toBe('image/png');

    const [, , acmeToken, acmeFile] = new URL(mine.links[0]).pathname.split('/');
    const [, , rivalToken, rivalFile] = new URL(theirs.links[0]).pathname.split('/');
    for (const path of [
      `/output/${rivalToken}/${acmeFile}`, // rival's token, acme's file name
      `/output/${acmeToken}/${rivalFile}`, // acme's token, rival's file name
      `/output/${rivalToken}/${mine.id}-1.png`,
      `/output/${acmeToken}/${mine.id}-2.png`, // no third sample
      `/output/${acmeToken}/${mine.id}-0.jpg`, // another extension
      `/output/${acmeToken.slice(0, -1)}${acmeToken.endsWith('A') ? 'B' : 'A'}/${acmeFile}`, // a guessed token (one character off)
      `/output/${acme.tenantId}/${mine.id}/0.png`, // the storage key itself
    ]) {
      const answer = await harness.gateway.app.inject({ method: 'GET', url: path });
      expect({ path, status: answer.statusCode }).toEqual({ path, status: 404 });
      expect(answer.json()).toEqual({ status: 'error', message: 'Not found' });
    }
  });

  it("neither lists nor uses the other tenant's private model", async () => {
    const models = (key: string) => post('/api/v4/dreambooth/model_list', { key });
    expect((await models(acme.key)).body.map((m: any) => m.model_id)).toContain('acme-secret-style');
    expect((await models(rival.key)).body.map((m: any) => m.model_id)).not.toContain('acme-secret-style');

    const fields = { model_id: 'acme-secret-style', prompt: `a green star ${Math.random()}` };
    expect(await post('/api/v4/dreambooth', { key: rival.key, ...fields })).toEqual({ status: 404, body: { status: 'error', message: 'Model id not found' } });
    expect((await post('/api/v4/dreambooth', { key: acme.key, ...fields })).status).toBe(202);
  });

  it("cannot list or revoke the other tenant's keys, and its Idempotency-Key is its own", async () => {
    for (const [path, body] of [
      ['keys/list', { tenant_id: acme.tenantId }],
      ['keys/revoke', { tenant_id: acme.tenantId, key_id: acme.prefix }],
      ['keys/create', { tenant_id: acme.tenantId, name: 'stolen' }],
      ['credits/report', { tenant_id: acme.tenantId }],
    ] as const) {
      const answer = await post(`/api/v1/enterprise/${path}`, { key: rival.key, ...body });
      expect({ path, status: answer.status }).toEqual({ path, status: 403 });
    }
    // acme's key survived the attempt, and acme still has exactly one key.
    expect((await post('/api/v3/system_load', { key: acme.key })).status).toBe(200);
    expect((await admin('keys/list', { tenant_id: acme.tenantId })).body.keys).toHaveLength(1);

    // The same Idempotency-Key and body from the other tenant make a job of its own.
    const body = { prompt: `idempotent ${Math.random()}` };
    const first = await post('/api/v3/text2img', { key: acme.key, ...body }, { 'idempotency-key': 'order-1' });
    const other = await post('/api/v3/text2img', { key: rival.key, ...body }, { 'idempotency-key': 'order-1' });
    expect(first.status).toBe(202);
    expect(other.status).toBe(202);
    expect(other.body.id).not.toBe(first.body.id);
    expect((await post(`/api/v3/fetch/${first.body.id}`, { key: rival.key })).status).toBe(404);
  });
});
