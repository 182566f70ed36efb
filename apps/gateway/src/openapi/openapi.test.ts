import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@easel/config';
import { applyMigrations, openEmbeddedDatabase, type Database } from '@easel/db';
import { InProcessJobBus } from '@easel/jobs';
import { BundledModelCatalog } from '@easel/model-store';
import { LocalArtifactStore } from '@easel/storage';
import { AppModule } from '../app.module';
import { DialectExceptionFilter } from '../common/dialect-exception.filter';
import { KNOWN_OPERATIONS } from './operation-doc';
import { RouteCatalog } from './route-catalog';
import { buildOpenApiDocument, toOpenApiPath } from './openapi-document';

/** Validates an OpenAPI document with @seriousme/openapi-schema-validator (ESM only: run in a child Node). */
function validateOpenApi(document: unknown): { valid: boolean; errors?: unknown; version?: string } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(input));
    process.stdout.write(JSON.stringify({ ...result, version: validator.version }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(__dirname, '..', '..'),
    input: JSON.stringify(document),
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`validator failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { valid: boolean; errors?: unknown; version?: string };
}

describe('GET /openapi.json and /docs', () => {
  let app: NestFastifyApplication;
  let db: Database;
  let bus: InProcessJobBus;
  let dir: string;
  /** What Nest actually registered on Fastify, seen through Fastify's own onRoute hook. */
  const registered: { method: string; url: string }[] = [];
  let document: Record<string, any>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'easel-openapi-'));
    const config = loadConfig({ EASEL_LOG_LEVEL: 'error', PORT: '0' });
    db = await openEmbeddedDatabase();
    await applyMigrations(db.sql);
    bus = new InProcessJobBus();
    const adapter = new FastifyAdapter();
    adapter.getInstance().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) registered.push({ method, url: route.url });
    });
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register({
        config,
        db,
        bus,
        store: new LocalArtifactStore(dir),
        catalog: new BundledModelCatalog(config.modelsDir),
      }),
      adapter,
      { logger: false },
    );
    app.useGlobalFilters(new DialectExceptionFilter()); // as createGateway does
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    document = response.json();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await bus?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is a valid OpenAPI 3.1 document', () => {
    expect(document.openapi).toBe('3.1.0');
    const result = validateOpenApi(document);
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it('the validator does reject a broken document (the check has teeth)', () => {
    const broken = { ...document, paths: { '/x': { post: { responses: { '200': { content: 'nope' } } } } } };
    expect(validateOpenApi(broken).valid).toBe(false);
  });

  it('lists every route Nest registered, and only those', () => {
    const fromRouter = registered
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.url).path}`);
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`),
    );
    expect(fromRouter.length).toBeGreaterThan(25);
    expect([...new Set(documented)].sort()).toEqual([...new Set(fromRouter)].sort());
    for (const expected of [
      'post /api/v3/text2img',
      'post /api/v3/fetch/{id}',
      'post /api/v4/dreambooth/fetch',
      'get /metrics',
      'get /docs',
      'get /healthz',
    ]) {
      expect(documented).toContain(expected);
    }
  });

  it('has no documentation for handlers that no longer exist', () => {
    const handlers = new Set(
      app
        .get(RouteCatalog)
        .routes()
        .map((r) => r.handler),
    );
    expect(Object.keys(KNOWN_OPERATIONS).filter((h) => !handlers.has(h))).toEqual([]);
  });

  it('describes generation with the request schema, its answers and the Idempotency-Key header', () => {
    const op = document.paths['/api/v3/text2img'].post;
    const schema = op.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['key', 'prompt']);
    expect(schema.properties.samples.default).toBe(1);
    expect(schema.properties.enhance_prompt.default).toBe('no');
    expect(schema.properties.width.anyOf[0]).toMatchObject({
      type: 'integer',
      minimum: 64,
      maximum: 1536, // SDXL's aspect buckets; SD 1.x's 1024 is checked with the model
      multipleOf: 8,
    });
    expect(Object.keys(op.responses)).toEqual(
      expect.arrayContaining(['200', '202', '401', '402', '404', '422', '429']),
    );
    expect(op.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(
      document.paths['/api/v4/dreambooth'].post.requestBody.content['application/json'].schema.required,
    ).toContain('model_id');
    expect(
      document.paths['/api/v3/img2img'].post.requestBody.content['application/json'].schema.properties
        .strength,
    ).toBeDefined();
  });

  it('documents the job listing: the key, limit and cursor, its page shape and its 422', () => {
    const op = document.paths['/api/v3/jobs'].get;
    expect(op.parameters).toEqual([
      { $ref: '#/components/parameters/QueryKey' },
      expect.objectContaining({
        name: 'limit',
        in: 'query',
        schema: expect.objectContaining({ maximum: 100 }),
      }),
      expect.objectContaining({ name: 'cursor', in: 'query' }),
    ]);
    expect(op.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/JobList',
    });
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403', '422']);
    const item = document.components.schemas.JobList.properties.jobs.items;
    expect(item.required).toEqual(
      expect.arrayContaining(['id', 'kind', 'status', 'created_at', 'output', 'thumbnail', 'meta']),
    );
  });

  it("has the dialect's response shapes as components", () => {
    const { schemas, responses } = document.components;
    expect(schemas.GenerationProcessing.properties.messege).toBeDefined();
    expect(schemas.GenerationFailed.properties.error).toBeDefined();
    expect(schemas.InvalidApiKey.properties.message.const).toBe('Invalid Api Key');
    expect(schemas.ModelNotFound.properties.message.const).toBe('Model id not found');
    expect(schemas.InsufficientCredits.properties.message.const).toBe('Insufficient credits');
    expect(responses.RateLimitExceeded.headers['Retry-After']).toBeDefined();
    expect(schemas.ValidationError.properties.message.additionalProperties).toEqual({
      type: 'array',
      items: { type: 'string' },
    });
  });

  it('describes an undocumented route generically (POST with a key body)', () => {
    const doc = buildOpenApiDocument(
      [{ method: 'POST', path: '/api/v6/new_thing/:id', defaultStatus: 201, handler: 'NewController.thing' }],
      { version: '1' },
    ) as Record<string, any>;
    const op = doc.paths['/api/v6/new_thing/{id}'].post;
    expect(op.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/KeyBody',
    });
    expect(op.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^\\s*\\d+\\s*$' } },
    ]);
    expect(op.responses['201']).toBeDefined();
    expect(op.responses['401']).toEqual({ $ref: '#/components/responses/InvalidApiKey' });
    expect(validateOpenApi(doc).valid).toBe(true);
  });

  it('/docs is Swagger UI whose scripts and styles come from this server', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('id="swagger-ui"');
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(5);
    for (const url of assets) {
      expect(url.startsWith('/')).toBe(true); // same server, no CDN
      const asset = await app.inject({ method: 'GET', url });
      expect([url, asset.statusCode]).toEqual([url, 200]);
      expect(asset.rawPayload.length).toBeGreaterThan(100);
      if (url.endsWith('.js')) expect(asset.headers['content-type']).toMatch(/javascript/);
      if (url.endsWith('.css')) expect(asset.headers['content-type']).toMatch(/^text\/css/);
    }
    const initializer = await app.inject({ method: 'GET', url: '/docs/easel-initializer.js' });
    expect(initializer.body).toContain("url: '/openapi.json'");
  });

  it("/docs serves nothing but swagger-ui-dist's listed files", async () => {
    for (const url of ['/docs/package.json', '/docs/..%2F..%2Fpackage.json', '/docs/nope.js']) {
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
  });
});
