import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { create as tarCreate } from 'tar';
import { applyMigrations, openEmbeddedDatabase, type Database } from '@easel/db';
import { LocalArtifactStore } from '@easel/storage';
import { BundledModelCatalog } from './bundled-model-catalog';
import { ARTIFACT_LOCATION, ModelConflictError, ModelStore } from './model-store';
import { safetensors } from '@easel/testing';
import { serveFiles, withLyingSizes } from './test-helpers';

const MODELS = resolve(__dirname, '../../../models');
const SD15 = join(MODELS, 'sd15-random');

async function tarGz(cwd: string, entries: string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of tarCreate({ gzip: true, cwd, portable: true }, entries)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function zipOf(dir: string, prefix = ''): Promise<Buffer> {
  const files: Record<string, Uint8Array> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else files[prefix + relative(dir, p)] = await readFile(p);
    }
  };
  await walk(dir);
  return Buffer.from(zipSync(files));
}

/** A tar whose one entry climbs out of the destination (hand-made header: tar.create refuses to write one). */
function traversalTar(): Buffer {
  const header = Buffer.alloc(512);
  header.write('../../escaped.txt', 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write('00000000005\0', 124);
  header.write('00000000000\0', 136);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const body = Buffer.alloc(512);
  body.write('hello');
  return Buffer.concat([header, body, Buffer.alloc(1024)]);
}

const MiB = 1024 * 1024;
/** 8 MiB of weights that claim, in every header, to be 10 bytes. */
const LYING_ZIP_BOMB = withLyingSizes(zipSync({ 'model_index.json': Buffer.from('{}'), 'unet/model.onnx': Buffer.alloc(8 * MiB) }, { level: 9 }), ['unet/model.onnx'], 10);

const LORA = safetensors({ 'lora_unet_mid_attn_attn1_to_q.lora_down.weight': { shape: [1, 2], data: [1, 2] }, 'lora_unet_mid_attn_attn1_to_q.lora_up.weight': { shape: [2, 1], data: [3, 4] } });
const EMBEDDING = safetensors({ emb_params: { shape: [1, 4], data: [1, 2, 3, 4] } });

describe('ModelStore (embedded database, test HTTP server on 127.0.0.1)', () => {
  let db: Database;
  let store: ModelStore;
  let files: string;
  let server: Awaited<ReturnType<typeof serveFiles>>;
  let tenant: string;
  let other: string;
  const logs: string[] = [];

  beforeAll(async () => {
    db = await openEmbeddedDatabase();
    await applyMigrations(db.sql);
    files = await mkdtemp(join(tmpdir(), 'easel-model-store-'));
    tenant = (await db.prisma.tenant.create({ data: { name: 'alice' } })).id;
    other = (await db.prisma.tenant.create({ data: { name: 'bob' } })).id;
    server = await serveFiles({
      '/sd.tar.gz': await tarGz(MODELS, ['sd15-random']),
      '/sd.zip': await zipOf(SD15),
      '/sdxl.tar.gz': await tarGz(MODELS, ['sdxl-random']),
      '/lora.safetensors': LORA,
      '/heart.safetensors': EMBEDDING,
      '/corrupt.zip': Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 7)]),
      '/bad-header.safetensors': Buffer.concat([Buffer.from([255, 255, 0, 0, 0, 0, 0, 0]), Buffer.from('{}')]),
      '/not-a-model.zip': Buffer.from(zipSync({ 'readme.txt': Buffer.from('hi') })),
      '/traversal.tar': traversalTar(),
      '/lying-bomb.zip': LYING_ZIP_BOMB,
    });
    store = new ModelStore(db, new BundledModelCatalog(MODELS), { filesDir: files, allowHosts: ['127.0.0.1'], log: (l) => logs.push(l), maxUnpackedBytes: 64 * 1024 * 1024 });
  });
  afterAll(async () => {
    await server.close();
    await db.close();
    await rm(files, { recursive: true, force: true });
  });

  const load = (modelId: string, path: string, category: 'stable_diffusion' | 'lora' | 'embeddings', extra: Partial<Parameters<ModelStore['startLoad']>[0]> = {}) =>
    store.startLoad({ tenantId: tenant, modelId, category, format: category === 'stable_diffusion' ? 'diffusers' : 'safetensors', visibility: 'private', url: server.url(path), revision: null, ...extra });
  const entry = async (modelId: string, who = tenant) => (await store.list(who)).find((m) => m.modelId === modelId);
  /** What the tenant's folder holds that is named after the model: its directory and any download beside it. */
  const onDisk = async (modelId: string) => (existsSync(join(files, tenant)) ? (await readdir(join(files, tenant))).filter((name) => name.includes(modelId)) : []);

  it.each([
    ['a tar.gz', 'sd-tar', '/sd.tar.gz'],
    ['a zip', 'sd-zip', '/sd.zip'],
  ])('%s of a diffusers ONNX directory: loading, then ready for its tenant only', async (_what, id, path) => {
    await load(id, path, 'stable_diffusion');
    expect((await entry(id))?.status).toBe('loading');
    expect(await store.find(tenant, id)).toBeNull(); // not usable while loading
    await store.whenIdle();
    const found = await store.find(tenant, id);
    expect(found).toMatchObject({ modelId: id, status: 'ready', category: 'stable_diffusion', tenantId: tenant });
    expect(existsSync(join(found!.location, 'unet', 'model.onnx'))).toBe(true);
    expect(await onDisk(id)).toEqual([id]); // the model's directory, and no download left beside it
    expect(found!.location.startsWith(join(files, tenant, id))).toBe(true);
    expect(found).toMatchObject({ family: 'sd1', refiner: null });
    expect(await store.find(other, id)).toBeNull();
    expect(await entry(id, other)).toBeUndefined();
  });

  it('a LoRA and an embedding (safetensors) become files of their own category', async () => {
    await load('my-lora', '/lora.safetensors', 'lora');
    await load('spade', '/heart.safetensors', 'embeddings', { visibility: 'public' });
    await store.whenIdle();
    expect(await store.find(tenant, 'my-lora')).toMatchObject({ category: 'lora', status: 'ready', location: join(files, tenant, 'my-lora', 'lora.safetensors'), family: null, refiner: null });
    expect(await store.find(other, 'my-lora')).toBeNull();
    // public: every tenant may use it
    expect(await store.find(other, 'spade')).toMatchObject({ category: 'embeddings', visibility: 'public' });
  });

  it.each([
    ['a corrupt zip', 'bad-zip', '/corrupt.zip', 'stable_diffusion', /the zip archive is corrupt/],
    ['a safetensors header past the end of the file', 'bad-lora', '/bad-header.safetensors', 'lora', /not a valid safetensors file: its header length 65535 exceeds the file/],
    ['an archive without the ONNX layout', 'no-layout', '/not-a-model.zip', 'stable_diffusion', /not a diffusers ONNX model directory: missing model_index.json, text_encoder\/model.onnx/],
    ['a tar entry outside the model directory', 'escape', '/traversal.tar', 'stable_diffusion', /points outside the model directory/],
    ['a 404', 'gone', '/nope.zip', 'stable_diffusion', /404/],
  ] as const)('%s → failed with the reason, nothing usable, no files left', async (_what, id, path, category, reason) => {
    await load(id, path, category);
    await store.whenIdle();
    expect(await entry(id)).toMatchObject({ status: 'failed', error: expect.stringMatching(reason) });
    expect(await store.find(tenant, id)).toBeNull();
    expect(existsSync(join(files, tenant, id))).toBe(false);
    expect(existsSync(join(files, 'escaped.txt'))).toBe(false);
  });

  it('an archive over the size cap is refused before it is unpacked', async () => {
    const small = new ModelStore(db, new BundledModelCatalog(MODELS), { filesDir: files, allowHosts: ['127.0.0.1'], maxUnpackedBytes: 1000 });
    await small.startLoad({ tenantId: tenant, modelId: 'too-big', category: 'stable_diffusion', format: 'diffusers', visibility: 'private', url: server.url('/sd.zip'), revision: null });
    await small.whenIdle();
    expect(await entry('too-big')).toMatchObject({ status: 'failed', error: expect.stringMatching(/unpacks to more than 1000 bytes/) });
  });

  it('a zip bomb whose entries claim to be tiny is stopped at the cap while inflating, and nothing is left on disk', async () => {
    const small = new ModelStore(db, new BundledModelCatalog(MODELS), { filesDir: files, allowHosts: ['127.0.0.1'], maxUnpackedBytes: MiB });
    await small.startLoad({ tenantId: tenant, modelId: 'zip-bomb', category: 'stable_diffusion', format: 'diffusers', visibility: 'private', url: server.url('/lying-bomb.zip'), revision: null });
    await small.whenIdle();
    expect(await entry('zip-bomb')).toMatchObject({ status: 'failed', error: `the archive unpacks to more than ${MiB} bytes` });
    expect(await onDisk('zip-bomb')).toEqual([]);
  });

  it('a download over maxDownloadBytes is refused and leaves no partial download', async () => {
    const small = new ModelStore(db, new BundledModelCatalog(MODELS), { filesDir: files, allowHosts: ['127.0.0.1'], maxDownloadBytes: 1000 });
    await small.startLoad({ tenantId: tenant, modelId: 'too-long', category: 'stable_diffusion', format: 'diffusers', visibility: 'private', url: server.url('/sd.zip'), revision: null });
    await small.whenIdle();
    expect(await entry('too-long')).toMatchObject({ status: 'failed', error: expect.stringMatching(/more than the limit of 1000/) });
    expect(await onDisk('too-long')).toEqual([]);
  });

  it('a private address is refused without the allow list (SSRF rules)', async () => {
    const strict = new ModelStore(db, new BundledModelCatalog(MODELS), { filesDir: files });
    await strict.startLoad({ tenantId: tenant, modelId: 'ssrf', category: 'lora', format: 'safetensors', visibility: 'private', url: server.url('/lora.safetensors'), revision: null });
    await strict.whenIdle();
    expect(await entry('ssrf')).toMatchObject({ status: 'failed', error: expect.stringMatching(/127\.0\.0\.1.*not reachable/) });
  });

  it('ids: a bundled id or a live one of the same tenant conflicts; another tenant may reuse it; a failed one may be retried', async () => {
    await expect(load('easel-tiny', '/lora.safetensors', 'lora')).rejects.toBeInstanceOf(ModelConflictError);
    await expect(load('my-lora', '/lora.safetensors', 'lora')).rejects.toBeInstanceOf(ModelConflictError);
    await store.startLoad({ tenantId: other, modelId: 'my-lora', category: 'lora', format: 'safetensors', visibility: 'private', url: server.url('/lora.safetensors'), revision: 'v2' });
    await load('gone', '/lora.safetensors', 'lora');
    await store.whenIdle();
    expect((await store.find(other, 'my-lora'))?.tenantId).toBe(other);
    expect((await store.find(tenant, 'my-lora'))?.tenantId).toBe(tenant);
    expect(await store.find(tenant, 'gone')).toMatchObject({ status: 'ready' });
  });

  it('one id means one model for a tenant: no public model over another tenant\'s id, no private one over a public id', async () => {
    const as = (who: string, modelId: string, visibility: 'private' | 'public') =>
      store.startLoad({ tenantId: who, modelId, category: 'lora', format: 'safetensors', visibility, url: server.url('/lora.safetensors'), revision: null });
    await as(tenant, 'alice-secret', 'private');
    await expect(as(other, 'alice-secret', 'public')).rejects.toBeInstanceOf(ModelConflictError);
    await as(other, 'bob-shared', 'public');
    await expect(as(tenant, 'bob-shared', 'private')).rejects.toBeInstanceOf(ModelConflictError);
    await expect(as(tenant, 'bob-shared', 'public')).rejects.toBeInstanceOf(ModelConflictError);
    await store.whenIdle();
    const ids = (await store.list(tenant)).map((m) => m.modelId);
    expect(ids.filter((id) => id === 'alice-secret' || id === 'bob-shared')).toEqual(['alice-secret', 'bob-shared']);
  });

  it('model_list shows one entry per id even over rows written before ids were checked: the tenant\'s own wins', async () => {
    const row = (tenantId: string, visibility: string) => ({ id: randomUUID(), modelId: 'dup-id', tenantId, category: 'lora', format: 'safetensors', status: 'ready', visibility, source: 'https://example.com/x', revision: null, location: join(files, tenantId, 'dup-id') });
    await db.prisma.model.create({ data: row(tenant, 'private') });
    await db.prisma.model.create({ data: row(other, 'public') });
    expect((await store.list(tenant)).filter((m) => m.modelId === 'dup-id')).toEqual([expect.objectContaining({ tenantId: tenant })]);
    expect((await store.list(other)).filter((m) => m.modelId === 'dup-id')).toEqual([expect.objectContaining({ tenantId: other })]);
  });

  it('two loads of one id at once: one starts, the other conflicts', async () => {
    const results = await Promise.allSettled([load('twice', '/lora.safetensors', 'lora'), load('twice', '/lora.safetensors', 'lora')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason).toBeInstanceOf(ModelConflictError);
    await store.whenIdle();
  });

  it('delete removes only the own model, row and files', async () => {
    expect(await store.delete(other, 'sd-zip')).toBe(false);
    expect(await store.delete(tenant, 'sd-zip')).toBe(true);
    expect(await store.find(tenant, 'sd-zip')).toBeNull();
    expect(existsSync(join(files, tenant, 'sd-zip'))).toBe(false);
  });

  it('distributed: the files go to the artifact store and a worker syncs them to its own cache on first use', async () => {
    const artifacts = new LocalArtifactStore(join(files, 'artifact-store'));
    const gateway = new ModelStore(db, new BundledModelCatalog(MODELS), { filesDir: join(files, 'gw-staging'), artifacts, allowHosts: ['127.0.0.1'] });
    const worker = new ModelStore(db, new BundledModelCatalog(MODELS), { filesDir: join(files, 'wk-staging'), artifacts, cacheDir: join(files, 'wk-cache') });
    await gateway.startLoad({ tenantId: other, modelId: 'dist-sd', category: 'stable_diffusion', format: 'diffusers', visibility: 'private', url: server.url('/sd.tar.gz'), revision: null });
    await gateway.startLoad({ tenantId: other, modelId: 'dist-lora', category: 'lora', format: 'safetensors', visibility: 'private', url: server.url('/lora.safetensors'), revision: null });
    await gateway.whenIdle();
    const sd = await worker.find(other, 'dist-sd');
    expect(sd?.location.startsWith(`${ARTIFACT_LOCATION}models/${other}/dist-sd/`)).toBe(true);
    expect(existsSync(join(files, 'gw-staging', other, 'dist-sd'))).toBe(false); // nothing kept on the gateway
    const local = await worker.materialize(sd!);
    expect(local.startsWith(join(files, 'wk-cache'))).toBe(true);
    expect(await readFile(join(local, 'unet', 'model.onnx'))).toEqual(await readFile(join(SD15, 'unet', 'model.onnx')));
    const loraEntry = (await worker.find(other, 'dist-lora'))!;
    const lora = await worker.materialize(loraEntry);
    expect(await readFile(lora)).toEqual(LORA);
    expect(worker.localCopyOf(loraEntry.location)).toBe(lora);
    // a delete_model broadcast: the worker's copy goes, and a later use would sync it again
    await worker.removeLocalCopy(loraEntry.location);
    expect(existsSync(lora)).toBe(false);
    expect(await readFile(await worker.materialize(loraEntry))).toEqual(LORA);
    await expect(gateway.materialize(sd!)).rejects.toThrow(/has none configured/);
    expect(await worker.delete(other, 'dist-sd')).toBe(true);
    expect(await artifacts.list(`models/${other}/dist-sd/`)).toEqual([]);
    expect(existsSync(local)).toBe(false);
  });

  it('distributed: an SDXL model kept only in the artifact store reports its family and paired refiner from its row', async () => {
    const artifacts = new LocalArtifactStore(join(files, 'artifact-store'));
    const gateway = new ModelStore(db, new BundledModelCatalog(MODELS), { filesDir: join(files, 'gw-staging'), artifacts, allowHosts: ['127.0.0.1'] });
    await gateway.startLoad({ tenantId: other, modelId: 'dist-sdxl', category: 'stable_diffusion', format: 'diffusers', visibility: 'private', url: server.url('/sdxl.tar.gz'), revision: null });
    await gateway.whenIdle();
    const sdxl = await gateway.find(other, 'dist-sdxl');
    expect(sdxl?.location.startsWith(ARTIFACT_LOCATION)).toBe(true);
    expect(existsSync(join(files, 'gw-staging', other, 'dist-sdxl'))).toBe(false); // no file the gateway could read
    expect(sdxl).toMatchObject({ family: 'sdxl', refiner: 'sdxl-refiner-random' });
    expect((await gateway.list(other)).find((m) => m.modelId === 'dist-sdxl')).toMatchObject({ family: 'sdxl', refiner: 'sdxl-refiner-random' });
    // a training's model: the worker registers it, the gateway reads the row
    const trainer = new ModelStore(db, new BundledModelCatalog(MODELS), { filesDir: join(files, 'wk-staging'), artifacts, cacheDir: join(files, 'wk-cache') });
    await trainer.addTrained({ tenantId: other, modelId: 'trained-sd2', category: 'stable_diffusion', path: join(MODELS, 'sd2-random'), source: 'training:42' });
    expect(await gateway.find(other, 'trained-sd2')).toMatchObject({ location: expect.stringMatching(/^artifact:/), family: 'sd2', refiner: null });
  });

  it('a row loaded before families were recorded reads as unrecorded (null), for callers to read its files', async () => {
    await db.prisma.model.create({ data: { id: randomUUID(), modelId: 'old-row', tenantId: tenant, category: 'stable_diffusion', format: 'onnx', status: 'ready', visibility: 'private', source: 'https://example.com/x', revision: null, location: SD15 } });
    expect(await store.find(tenant, 'old-row')).toMatchObject({ family: null, refiner: null });
  });
});
