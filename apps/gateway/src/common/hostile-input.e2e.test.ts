import { connect } from 'node:net';
import { pngHeader } from '../testing/images';
import {
  openTestDatabase,
  startTestGateway,
  type TestDatabase,
  type TestGateway,
} from '../testing/test-gateway';

const INVALID_KEY_TIP =
  '1. Make sure you are passing Content-Type: application/json in header. 2. Make sure you are doing POST request with valid JSON. 3. Make sure your JSON does not have error, use jsonlint to validate json array. 4. Make sure you have valid API key.';
const unsafeText = (field: string) => ({
  status: 'error',
  message: {
    [field]: [`The ${field.replace(/_/g, ' ')} must not contain NUL characters or unpaired surrogates.`],
  },
});

/**
 * What a hostile client sends, on PostgreSQL (which refuses NUL and lone surrogates in text
 * and jsonb): every answer is the dialect's 4xx, never a 500 or Fastify's own body.
 */
describe('hostile input over HTTP (postgres)', () => {
  let database: TestDatabase;
  let harness: TestGateway;
  let key: string;
  let tenantId: string;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    harness = await startTestGateway({ db: database.db });
    key = harness.gateway.bootstrap.adminKey!;
    tenantId = harness.gateway.bootstrap.tenantId;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await database?.close();
  });

  const raw = async (url: string, payload: string | Buffer, headers: Record<string, string> = {}) => {
    const response = await harness.gateway.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload,
    });
    return { status: response.statusCode, body: response.json() };
  };
  const post = (url: string, body: Record<string, unknown>) => raw(url, JSON.stringify(body));
  const image = 'data:image/png;base64,iVBORw0KGgo=';

  const endpoints: [string, Record<string, unknown>][] = [
    ['/api/v3/text2img', { prompt: 'a red circle' }],
    ['/api/v3/img2img', { prompt: 'a red circle', init_image: image }],
    ['/api/v3/inpaint', { prompt: 'a red circle', init_image: image, mask_image: image }],
    ['/api/v3/super_resolution', { init_image: image }],
  ];
  const fields = ['prompt', 'negative_prompt', 'scheduler', 'track_id'];
  const hostile = [
    ['a NUL', 'a red\u0000 circle'],
    ['a lone high surrogate', 'a red \ud800 circle'],
    ['a lone low surrogate', '\udc00 a red circle'],
  ];
  describe.each(endpoints)('%s', (url, base) => {
    it.each(fields.flatMap((field) => hostile.map(([what, text]) => [field, what, text])))(
      'refuses %s holding %s with 422 naming it',
      async (field, _what, text) => {
        expect(await post(url, { key, ...base, [field]: text })).toEqual({
          status: 422,
          body: unsafeText(field),
        });
      },
    );
  });

  it('refuses a NUL inside an unknown field too (nothing with it reaches the database)', async () => {
    expect(
      await post('/api/v3/text2img', { key, prompt: 'x', extra: { deeper: ['ok', 'a\u0000'] } }),
    ).toEqual({
      status: 422,
      body: unsafeText('extra'),
    });
  });

  it('refuses JSON nested 10,000 deep with 422 naming the field, not a stack overflow', async () => {
    const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
    expect(await raw('/api/v3/text2img', `{"key":"${key}","prompt":"x","extra":${deep}}`)).toEqual({
      status: 422,
      body: {
        status: 'error',
        message: { extra: ['The extra must not be nested more than 32 levels deep.'] },
      },
    });
  });

  it('refuses a NUL in a grant note without moving the balance', async () => {
    const before = await post('/api/v1/enterprise/credits/report', { key, tenant_id: tenantId });
    const answer = await post('/api/v1/enterprise/credits/add', {
      key,
      tenant_id: tenantId,
      amount: 1,
      note: 'a\u0000',
    });
    expect(answer).toEqual({ status: 422, body: unsafeText('note') });
    const after = await post('/api/v1/enterprise/credits/report', { key, tenant_id: tenantId });
    expect(after.body.credits).toBe(before.body.credits);
    expect(after.body.ledger_sum).toBe(after.body.credits);
  });

  it.each([
    ['/api/v1/enterprise/tenants/create', { name: 'evil\u0000tenant' }, 'name'],
    ['/api/v1/enterprise/keys/create', { name: '\ud800' }, 'name'],
    ['/api/v3/load_model', { model_id: 'm1', url: 'https://example.com/\u0000' }, 'url'],
    ['/api/v4/dreambooth/fetch', { request_id: '1\u0000' }, 'request_id'],
  ])('refuses unsafe text on %s', async (url, body, field) => {
    expect(await post(url, { key, ...body })).toEqual({ status: 422, body: unsafeText(field) });
  });

  it('answers a 5,000-character path parameter with 414 in the dialect shape, without echoing it', async () => {
    const answer = await post(`/api/v3/fetch/${'1'.repeat(5000)}`, { key });
    expect(answer).toEqual({
      status: 414,
      body: { status: 'error', message: 'The request path is too long.' },
    });
  });

  it('answers a URL it cannot decode with 400 in the dialect shape', async () => {
    const answer = await post('/api/v3/fetch/%E0%A4%A', { key });
    expect(answer).toEqual({
      status: 400,
      body: { status: 'error', message: 'The request URL is malformed.' },
    });
  });

  it('refuses an Idempotency-Key longer than 255 characters with 422 (its unique index would refuse it with a 500)', async () => {
    const answer = await raw('/api/v3/text2img', JSON.stringify({ key, prompt: 'long idempotency key' }), {
      'idempotency-key': 'k'.repeat(8000),
    });
    expect(answer).toEqual({
      status: 422,
      body: {
        status: 'error',
        message: {
          'Idempotency-Key': ['The Idempotency-Key header must not be greater than 255 characters.'],
        },
      },
    });
  });

  it('answers a NUL in a header, which Node refuses before Fastify sees it, in the dialect shape', async () => {
    const url = new URL(await harness.gateway.listen(0, '127.0.0.1'));
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        const body = JSON.stringify({ key, prompt: 'x' });
        socket.write(
          `POST /api/v3/text2img HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
            `Idempotency-Key: a\u0000b\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        );
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      status: 'error',
      message: 'The request is not valid HTTP.',
    });
  });

  it('answers a body that is not UTF-8 as a body that is not JSON (400, the Invalid Api Key shape)', async () => {
    const answer = await raw('/api/v3/text2img', Buffer.from('{"key":"\xff\xfe","prompt":"x"}', 'latin1'));
    expect(answer).toEqual({
      status: 400,
      body: { status: 'error', message: 'Invalid Api Key', tip: INVALID_KEY_TIP },
    });
  });

  it('answers a wrong content type with the Invalid Api Key shape', async () => {
    const answer = await raw('/api/v3/text2img', JSON.stringify({ key, prompt: 'x' }), {
      'content-type': 'text/plain',
    });
    expect(answer).toEqual({
      status: 400,
      body: { status: 'error', message: 'Invalid Api Key', tip: INVALID_KEY_TIP },
    });
  });

  it('answers a body over the limit with 413 in the dialect shape', async () => {
    const answer = await raw(
      '/api/v3/text2img',
      `{"key":"${key}","prompt":"${'x'.repeat(33 * 1024 * 1024)}"}`,
    );
    expect(answer).toEqual({ status: 413, body: { status: 'error', message: 'Request body is too large' } });
  });
});

describe('input images judged by their header before a job exists (postgres)', () => {
  let database: TestDatabase;
  let harness: TestGateway;
  let key: string;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    harness = await startTestGateway({ db: database.db });
    key = harness.gateway.bootstrap.adminKey!;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await database?.close();
  });

  const post = async (url: string, body: Record<string, unknown>) => {
    const response = await harness.gateway.app.inject({ method: 'POST', url, payload: { key, ...body } });
    return { status: response.statusCode, body: response.json() };
  };
  const png = (width: number, height: number) => `data:image/png;base64,${pngHeader(width, height)}`;
  const tooLarge = (field: string) => ({
    status: 422,
    body: {
      status: 'error',
      message: {
        [field]: [
          `The ${field.replace(/_/g, ' ')} must not be larger than 4096×4096 pixels; it is 8000×8000.`,
        ],
      },
    },
  });

  it.each([
    ['/api/v3/img2img', 'init_image', { prompt: 'x', init_image: png(8000, 8000) }],
    [
      '/api/v3/inpaint',
      'mask_image',
      { prompt: 'x', init_image: png(512, 512), mask_image: png(8000, 8000) },
    ],
    ['/api/v3/super_resolution', 'init_image', { init_image: png(8000, 8000) }],
    ['/api/v6/image_editing/super_resolution', 'url', { url: png(8000, 8000) }],
  ])('%s refuses an 8000×8000 %s with 422 naming it, and no job is made', async (url, field, body) => {
    expect(await post(url, body)).toEqual(tooLarge(field));
    expect(await harness.db.prisma.job.count()).toBe(0);
  });

  it.each([
    [png(2000, 1000), 'The init image must have at most 1048576 pixels (1024×1024); it has 2000×1000.'],
    [png(1, 1), 'The init image must be at least 17×17 pixels; it has 1×1.'],
  ])('super_resolution refuses an image it cannot upscale before a job exists', async (image, message) => {
    expect(await post('/api/v3/super_resolution', { init_image: image })).toEqual({
      status: 422,
      body: { status: 'error', message: { init_image: [message] } },
    });
    expect(await harness.db.prisma.job.count()).toBe(0);
  });

  it('refuses a mask of another size than the init image', async () => {
    expect(
      await post('/api/v3/inpaint', { prompt: 'x', init_image: png(512, 512), mask_image: png(512, 256) }),
    ).toEqual({
      status: 422,
      body: {
        status: 'error',
        message: {
          mask_image: ['The mask image must be the size of the init image (512×512); it is 512×256.'],
        },
      },
    });
  });
});
