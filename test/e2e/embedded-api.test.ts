import { rm } from 'node:fs/promises';
import sharp from 'sharp';
import { loadConfig } from '@easel/config';
import { startEmbedded, type EmbeddedEaselInstance } from '@easel/easel';
import { judgePrompt } from '@easel/testing';
import { JUDGED_SYNC_WINDOW_MS, post, tempHome } from './helpers';

let easel: EmbeddedEaselInstance;
let home = '';
let key = '';

beforeAll(async () => {
  home = await tempHome();
  easel = await startEmbedded(loadConfig({ EASEL_HOME: home, PORT: '0', EASEL_LOG_LEVEL: 'error', EASEL_INITIAL_CREDITS: '20', EASEL_SYNC_WINDOW_MS: JUDGED_SYNC_WINDOW_MS }));
  key = easel.adminKey!;
});

afterAll(async () => {
  await easel?.close();
  await rm(home, { recursive: true, force: true });
});

const api = (path: string, body: Record<string, unknown>, headers?: Record<string, string>) => post(`${easel.url}${path}`, body, headers);

describe('embedded mode through the public API', () => {
  it('text2img draws the prompt, and its output link serves the PNG', async () => {
    const { status, body } = await api('/api/v3/text2img', { key, prompt: 'a red circle on a blue background', seed: '42', samples: '2', num_inference_steps: '20', scheduler: 'DPMSolverMultistepScheduler', track_id: 'abc' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'success', track_id: 'abc', nsfw_content_detected: false, meta: { seed: 42, n_samples: 2, W: 128, H: 128, steps: 20, model_id: 'easel-tiny', scheduler: 'DPMSolverMultistepScheduler' } });
    expect(body.meta.seeds).toEqual([42, 43]);
    expect(body.output).toHaveLength(2);
    const image = await fetch(body.output[0]);
    expect(image.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await image.arrayBuffer());
    expect((await sharp(png).metadata()).width).toBe(128);
    const verdict = await judgePrompt('a red circle on a blue background', png);
    expect(verdict.pass).toMatchObject({ color: true, background: true });
  });

  it('the same seed gives the same pixels', async () => {
    const a = await api('/api/v3/text2img', { key, prompt: 'a green square', seed: 7, num_inference_steps: 5 });
    // A different track_id: the same body twice within 30 s would be stopped by the spam filter.
    const b = await api('/api/v3/text2img', { key, prompt: 'a green square', seed: 7, num_inference_steps: 5, track_id: 'second' });
    const pixels = async (url: string) => sharp(Buffer.from(await (await fetch(url)).arrayBuffer())).raw().toBuffer();
    expect((await pixels(a.body.output[0])).equals(await pixels(b.body.output[0]))).toBe(true);
    expect(a.body.output[0]).not.toBe(b.body.output[0]);
  });

  it('base64 in and out: img2img takes a base64 init image and answers base64', async () => {
    const init = await sharp({ create: { width: 128, height: 128, channels: 3, background: { r: 0, g: 0, b: 255 } } }).png().toBuffer();
    const { body } = await api('/api/v3/img2img', { key, prompt: 'a red circle on a blue background', init_image: init.toString('base64'), strength: 0.5, base64: 'yes', seed: 1, num_inference_steps: 10 });
    expect(body.status).toBe('success');
    const decoded = await sharp(Buffer.from(body.output[0], 'base64')).metadata();
    expect(decoded.format).toBe('png');
  });

  it('a private init_image URL is refused (SSRF): the job ends failed and leaves the queue', async () => {
    const before = (await api('/api/v3/system_load', { key })).body;
    const { body } = await api('/api/v3/img2img', { key, prompt: 'a red circle', init_image: 'http://169.254.169.254/latest/meta-data/x.png', num_inference_steps: 2 });
    expect(body).toMatchObject({ status: 'failed', message: 'Failed, Try Again', output: '' });
    expect(body.error).toMatch(/not reachable/);
    expect((await api('/api/v3/system_load', { key })).body.queue_num).toBe(before.queue_num);
  });

  it('answers the dialect errors with meaningful HTTP codes', async () => {
    expect(await api('/api/v3/text2img', { key: 'esk_nope', prompt: 'x' })).toMatchObject({ status: 401, body: { status: 'error', message: 'Invalid Api Key' } });
    const invalid = await api('/api/v3/text2img', { key, samples: 9, width: 100 });
    expect(invalid.status).toBe(422);
    expect(invalid.body.message).toMatchObject({ prompt: ['The prompt field is required.'] });
    expect(Object.keys(invalid.body.message)).toEqual(expect.arrayContaining(['samples', 'width']));
    expect(await api('/api/v4/dreambooth', { key, prompt: 'x', model_id: 'no-such-model' })).toMatchObject({ status: 404, body: { status: 'error', message: 'Model id not found' } });
    expect(await api('/api/v3/text2img', { key, prompt: 'x', upscale: '5' })).toMatchObject({ status: 422, body: { message: { upscale: [expect.stringMatching(/invalid/)] } } });
    expect((await api('/api/v3/fetch/999999', { key })).status).toBe(404);
  });

  it('refuses a job the balance cannot pay for, with the documented shape (402)', async () => {
    const { status, body } = await api('/api/v3/text2img', { key, prompt: 'x', width: 1024, height: 768, samples: 4, num_inference_steps: 50 });
    expect(status).toBe(402);
    expect(body).toEqual({ status: 'error', message: 'Insufficient credits' });
  });

  it('Idempotency-Key returns the first job instead of a second one', async () => {
    const headers = { 'idempotency-key': 'e2e-idem-1' };
    const a = await api('/api/v3/text2img', { key, prompt: 'a yellow star', seed: 3, num_inference_steps: 2 }, headers);
    const b = await api('/api/v3/text2img', { key, prompt: 'a yellow star', seed: 3, num_inference_steps: 2 }, headers);
    expect(b.body.id).toBe(a.body.id);
  });

  it('v4 dreambooth fetch takes request_id as a number or a string', async () => {
    const { body } = await api('/api/v4/dreambooth', { key, prompt: 'a blue ring', model_id: 'easel-tiny', num_inference_steps: 2 });
    const fetched = await api('/api/v4/dreambooth/fetch', { key, request_id: String(body.id) });
    expect(fetched.body).toMatchObject({ status: 'success', id: body.id });
  });

  it('operators manage tenants, keys, credits and limits; tenants never see each other\'s jobs', async () => {
    const tenant = await api('/api/v1/enterprise/tenants/create', { key, name: 'acme', credits: '5', max_concurrent_jobs: 2 });
    expect(tenant).toMatchObject({ status: 201, body: { status: 'success', tenant: { name: 'acme', credits: '5.000', max_concurrent_jobs: 2 } } });
    const tenantId = tenant.body.tenant.id;
    const created = await api('/api/v1/enterprise/keys/create', { key, tenant_id: tenantId, name: 'acme app' });
    expect(created.body.api_key).toMatch(/^esk_/);
    const acmeKey = created.body.api_key;

    // A generate-only key cannot use the operator endpoints.
    expect((await api('/api/v1/enterprise/tenants/list', { key: acmeKey })).status).toBe(403);

    const job = await api('/api/v3/text2img', { key: acmeKey, prompt: 'a red circle', num_inference_steps: 2 });
    expect(job.body.status).toBe('success');
    expect((await api(`/api/v3/fetch/${job.body.id}`, { key })).status).toBe(404);
    expect((await api(`/api/v3/fetch/${job.body.id}`, { key: acmeKey })).body.status).toBe('success');

    await api('/api/v1/enterprise/credits/add', { key, tenant_id: tenantId, amount: 10, note: 'top-up' });
    const report = await api('/api/v1/enterprise/credits/report', { key, tenant_id: tenantId });
    expect(report.body.ledger_sum).toBe(report.body.credits);
    expect(report.body.entries.map((e: any) => e.kind)).toEqual(['grant', 'capture', 'hold', 'grant']);
    expect(Number(report.body.credits)).toBeLessThan(15);

    const listed = await api('/api/v1/enterprise/keys/list', { key, tenant_id: tenantId });
    expect(listed.body.keys).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(acmeKey);
    expect((await api('/api/v1/enterprise/keys/revoke', { key, tenant_id: tenantId, key_id: created.body.prefix })).status).toBe(200);
    expect((await api('/api/v3/system_load', { key: acmeKey })).status).toBe(401);
    expect(await api('/api/v1/enterprise/keys/revoke', { key, tenant_id: tenantId, key_id: 'not-a-key' })).toMatchObject({ status: 404 });
    expect(await api('/api/v1/enterprise/tenants/create', { key, name: '', credits: 'lots' })).toMatchObject({
      status: 422,
      body: { message: { name: ['The name field is required.'], credits: ['The credits field must be a number.'] } },
    });
  });

  it('model_list shows the models the key may use', async () => {
    const { body } = await api('/api/v4/dreambooth/model_list', { key });
    expect(body[0]).toEqual(expect.objectContaining({ model_id: 'easel-tiny', status: 'model_ready', model_family: 'sd1' }));
    // and the bundled adapters and ControlNets (bundled.json: optional, listed once their files are committed), the video, 3D, chat and voice models
    expect(body.slice(1).map((m: { model_category: string }) => m.model_category)).toEqual(body.slice(1).map(() => expect.stringMatching(/^(lora|embeddings|controlnet|video|3d|llm|voice)$/)));
    expect(body).toEqual(expect.arrayContaining([expect.objectContaining({ model_id: 'easel-chat-tiny', model_category: 'llm', status: 'model_ready' })]));
    expect(body).toEqual(expect.arrayContaining([expect.objectContaining({ model_id: 'easel-tiny-motion', model_category: 'video', status: 'model_ready' })]));
    expect(body).toEqual(expect.arrayContaining([expect.objectContaining({ model_id: 'easel-tiny-mesh', model_category: '3d', status: 'model_ready' })]));
    expect(body).toEqual(expect.arrayContaining([expect.objectContaining({ model_id: 'easel-tiny-voice', model_category: 'voice', status: 'model_ready' })]));
  });
});
