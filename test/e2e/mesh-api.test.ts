import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { backgroundColour, decodeImage, judgeMesh, mainObject, maskArea, meshHeldOut, nearestColor, readGlbMesh, type MeshVerdict, type PrimitiveSpec } from '@easel/testing';
import { createTenant, followToEnd, post, startTestEasel } from './helpers';

/**
 * The 3D family through the HTTP API on embedded Easel with the bundled easel-tiny-mesh:
 * text_to_3d and image_to_3d in the docs' shape, the held-out prompts and views judged on the
 * returned GLB (voxel IoU with the true solid, colour, closedness), seeds, formats, limits,
 * credits, instant answers and progress events.
 */

/**
 * The issue's bar: IoU ≥ 0.6 with the colour right for ≥ 80 % of the held-out prompts and views. The bundled model
 * passes every one of this subset (8/8 prompts, 10/10 views) and of the whole set (bench/mesh/heldout.mjs at
 * guidance 2: 32/32 prompts, 20/20 views, seeds 1 and 2).
 */
const MIN_PROMPT_SHARE = 0.8;
const MIN_VIEW_SHARE = 0.8;
/**
 * Held-out prompts and views judged here: every fourth prompt and every other view, at a 64-cell grid (CI's time
 * budget; the judge voxelises at its own resolution). MESH_HELDOUT_ALL=1 judges every one, as bench/mesh/heldout.mjs does.
 */
const ALL = process.env.MESH_HELDOUT_ALL === '1';
const JUDGED = { resolution: 64, num_inference_steps: 30, guidance_scale: 2, seed: 1 };
const RED_CUBE: PrimitiveSpec[] = [{ shape: 'cube', colour: 'red', size: null, center: [0, 0, 0], scale: 0.45 }];
const SPHERE = (colour: string): PrimitiveSpec[] => [{ shape: 'sphere', colour, size: null, center: [0, 0, 0], scale: 0.45 }];

describe('3D through the API (text_to_3d, image_to_3d)', () => {
  let ctx: Awaited<ReturnType<typeof startTestEasel>>;
  let url: string;
  let key: string;
  const heldOut = meshHeldOut();
  const api = (path: string, body: Record<string, unknown>, withKey = key) => post(`${url}${path}`, { key: withKey, ...body });
  const settled = (r: Awaited<ReturnType<typeof post>>, withKey = key) => followToEnd(r, withKey);
  const download = async (link: string) => {
    const r = await fetch(link);
    return { type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
  };
  const judgedGlb = async (link: string, objects: PrimitiveSpec[]) => judgeMesh(readGlbMesh((await download(link)).body), objects, heldOut.colours);

  beforeAll(async () => {
    ctx = await startTestEasel({ EASEL_WORKER_CONCURRENCY: '1', EASEL_ORT_THREADS: '2' });
    url = ctx.easel.url;
    key = ctx.key;
  }, 60_000);
  afterAll(() => ctx?.close());

  const tenant = (name: string, credits: string) => createTenant(url, key, name, credits);
  let badCases = 0;

  it('answers the docs-shaped "a red cube" with a closed red cube in a GLB, a preview PNG of it, its meta, and charges 0.1', async () => {
    const own = await tenant('sculptor', '1');
    const r = await settled(await api('/api/v6/3d/text_to_3d', {
      prompt: 'a red cube',
      resolution: 256,
      output_format: 'glb',
      render: false,
      negative_prompt: '',
      guidance_scale: 2,
      num_inference_steps: 30,
      ss_guidance_strength: 7.5,
      ss_sampling_steps: 50,
      slat_guidance_strength: 3,
      slat_sampling_steps: 50,
      mesh_simplify: 0.9,
      foreground_ratio: 0.85,
      remove_bg: false,
      chunk_size: 8192,
      seed: 7,
      temp: 'no',
      webhook: null,
      track_id: null,
    }, own.key), own.key);
    expect(r.body).toMatchObject({
      status: 'success',
      meta: { prompt: 'a red cube', model_id: 'easel-tiny-mesh', resolution: 256, output_format: 'glb', mesh_simplify: 0.9, seed: 7, ss_sampling_steps: 50, chunk_size: 8192 },
    });
    expect(r.body.output).toHaveLength(1);
    expect(r.body.output[0]).toMatch(/\.glb$/);
    expect(r.body.preview).toMatch(/\.png$/);
    expect(r.body.turntable).toBeUndefined();
    const glb = await download(r.body.output[0]);
    expect(glb.type).toBe('model/gltf-binary');
    const verdict = judgeMesh(readGlbMesh(glb.body), RED_CUBE, heldOut.colours);
    console.log(`a red cube: IoU ${verdict.iou.toFixed(3)}, colours ${verdict.colours}, open edges ${verdict.openEdges}, triangles ${r.body.meta.triangles}`);
    expect(verdict.openEdges).toBe(0);
    // measured 0.888 (the model rounds the cube's edges a little); the colour is judged on the surface
    expect(verdict.iou).toBeGreaterThan(0.8);
    expect(verdict.coloursRight).toBe(true);
    // the preview is a picture of the mesh: the pixels unlike its ground are the cube's red, shaded
    const preview = await download(r.body.preview);
    expect(preview.type).toBe('image/png');
    const picture = await decodeImage(preview.body);
    expect(picture.width).toBe(256);
    const cube = mainObject(picture, backgroundColour(picture));
    expect(cube).not.toBeNull();
    expect(maskArea(cube!.mask)).toBeGreaterThan(picture.width * picture.height * 0.05);
    expect(nearestColor(cube!.rgb)).toBe('red');
    expect(await own.balance()).toBe('0.900');
  });

  it(`builds the held-out prompts' shapes: IoU ≥ 0.6 with the colour right for ≥ ${MIN_PROMPT_SHARE * 100} %, every mesh closed`, async () => {
    const prompts = ALL ? heldOut.prompts : heldOut.prompts.filter((_, i) => i % 4 === 0);
    const verdicts: Array<{ prompt: string; verdict: MeshVerdict }> = [];
    for (const p of prompts) {
      const r = await settled(await api('/api/v6/3d/text_to_3d', { prompt: p.prompt, ...JUDGED }));
      // the model can draw nothing (it misses small objects): the job fails saying so, and it counts as a miss
      if (r.body.status === 'failed') {
        expect(r.body.error).toMatch(/no surface/);
        verdicts.push({ prompt: p.prompt, verdict: { iou: 0, colours: [], coloursRight: false, openEdges: 0, passed: false } });
        continue;
      }
      expect(r.body.status).toBe('success');
      verdicts.push({ prompt: p.prompt, verdict: await judgedGlb(r.body.output[0], p.objects) });
    }
    const passed = verdicts.filter((v) => v.verdict.passed).length / verdicts.length;
    console.log(`3D held-out prompts: ${JSON.stringify({ prompts: verdicts.length, passed, meanIou: verdicts.reduce((s, v) => s + v.verdict.iou, 0) / verdicts.length, failed: verdicts.filter((v) => !v.verdict.passed).map((v) => `${v.prompt}: IoU ${v.verdict.iou.toFixed(2)} ${v.verdict.colours}`) }, null, 1)}`);
    expect(passed).toBeGreaterThanOrEqual(MIN_PROMPT_SHARE);
    expect(verdicts.every((v) => v.verdict.openEdges === 0)).toBe(true);
  }, 600_000);

  it(`builds the held-out views' objects from their pictures for ≥ ${MIN_VIEW_SHARE * 100} %`, async () => {
    const views = ALL ? heldOut.views : heldOut.views.filter((_, i) => i % 2 === 0);
    const verdicts: Array<{ caption: string; verdict: MeshVerdict }> = [];
    for (const v of views) {
      const r = await settled(await api('/api/v6/3d/image_to_3d', { image: readFileSync(v.file).toString('base64'), ...JUDGED }));
      expect(r.body.status).toBe('success');
      verdicts.push({ caption: v.caption, verdict: await judgedGlb(r.body.output[0], v.objects) });
    }
    const passed = verdicts.filter((v) => v.verdict.passed).length / verdicts.length;
    console.log(`3D held-out views: ${JSON.stringify({ views: verdicts.length, passed, meanIou: verdicts.reduce((s, v) => s + v.verdict.iou, 0) / verdicts.length, failed: verdicts.filter((v) => !v.verdict.passed).map((v) => `${v.caption}: IoU ${v.verdict.iou.toFixed(2)} ${v.verdict.colours}`) }, null, 1)}`);
    expect(passed).toBeGreaterThanOrEqual(MIN_VIEW_SHARE);
  }, 600_000);

  it('turns a drawn disc into a sphere of its colour (image_to_3d, init_image, a PNG with a coloured ground)', async () => {
    const disc = await sharp(Buffer.from('<svg width="128" height="128"><rect width="128" height="128" fill="rgb(30,60,220)"/><circle cx="60" cy="68" r="34" fill="rgb(220,30,30)"/></svg>')).png().toBuffer();
    const r = await settled(await api('/api/v6/3d/image_to_3d', { init_image: disc.toString('base64'), ...JUDGED, render: 'yes' }));
    expect(r.body.status).toBe('success');
    expect(r.body.meta).toMatchObject({ remove_bg: true, foreground_ratio: 0.85, multi_image: false });
    const verdict = await judgedGlb(r.body.output[0], SPHERE('red'));
    console.log(`a drawn red disc: IoU with a red sphere ${verdict.iou.toFixed(3)}, colours ${verdict.colours}`);
    expect(verdict.iou).toBeGreaterThanOrEqual(0.6);
    expect(verdict.coloursRight).toBe(true);
    const gif = await download(r.body.turntable);
    expect(gif.type).toBe('image/gif');
    expect((await sharp(gif.body, { animated: true }).metadata()).pages).toBe(24);
  });

  it('gives the same bytes for the same seed, another mesh for another seed, and OBJ, PLY and STL on request', async () => {
    const body = { prompt: 'a green cylinder', resolution: 64, num_inference_steps: 10 };
    const again = await tenant('same-seed-3d', '1');
    const [a, b, c] = await Promise.all([
      settled(await api('/api/v6/3d/text_to_3d', { ...body, seed: 5 })),
      settled(await api('/api/v6/3d/text_to_3d', { ...body, seed: 5 }, again.key), again.key),
      settled(await api('/api/v6/3d/text_to_3d', { ...body, seed: 6 })),
    ]);
    const [fa, fb, fc] = await Promise.all([a, b, c].map((r) => download(r.body.output[0])));
    expect(fa.body.equals(fb.body)).toBe(true);
    expect(fa.body.equals(fc.body)).toBe(false);
    for (const [format, type, test] of [
      ['obj', 'model/obj', (f: Buffer) => f.toString('utf8').includes('\nf ')],
      ['ply', 'application/x-ply', (f: Buffer) => f.subarray(0, 3).toString() === 'ply'],
      ['stl', 'model/stl', (f: Buffer) => f.length === 84 + 50 * f.readUInt32LE(80)],
    ] as const) {
      const r = await settled(await api('/api/v6/3d/text_to_3d', { ...body, seed: 5, output_format: format }));
      expect(r.body.output[0]).toMatch(new RegExp(`\\.${format}$`));
      const file = await download(r.body.output[0]);
      expect(file.type).toBe(type);
      expect(test(file.body)).toBe(true);
    }
  });

  it.each([
    ['text_to_3d', { prompt: 'a red cube', resolution: 513 }, 'resolution'],
    ['text_to_3d', { prompt: 'a red cube', resolution: 8 }, 'resolution'],
    ['text_to_3d', { prompt: 'a red cube', num_inference_steps: 101 }, 'num_inference_steps'],
    ['text_to_3d', { prompt: 'a red cube', output_format: 'fbx' }, 'output_format'],
    ['text_to_3d', { prompt: 'a red cube', mesh_simplify: 0.2 }, 'mesh_simplify'],
    ['text_to_3d', { resolution: 64 }, 'prompt'],
    ['image_to_3d', { prompt: 'a red cube' }, 'image'],
    ['image_to_3d', { image: 'aGVsbG8gd29ybGQ=' }, 'image'],
    ['image_to_3d', { image: 'https://example.com/a.png', multi_image: true }, 'multi_image'],
  ])('%s with %j is a 422 naming %s, and nothing is charged', async (endpoint, body, field) => {
    // tenant names are unique: two cases may name the same field with the same keys
    const own = await tenant(`bad-${endpoint}-${field}-${++badCases}`, '1');
    const r = await api(`/api/v6/3d/${endpoint}`, body, own.key);
    expect(r.status).toBe(422);
    expect(r.body.status).toBe('error');
    expect(Object.keys(r.body.message)).toContain(field);
    expect(await own.balance()).toBe('1.000');
  });

  it("a private URL is refused by the worker's fetch guard: the job fails naming the image, its credits released", async () => {
    const own = await tenant('private-url-3d', '1');
    const r = await settled(await api('/api/v6/3d/image_to_3d', { image: 'http://127.0.0.1:9/secret.png' }, own.key), own.key);
    expect(r.body).toMatchObject({ status: 'failed', error: expect.stringMatching(/image could not be downloaded.*loopback/) });
    expect(await own.balance()).toBe('1.000');
  });

  it('an image model named as the 3D model is "Model id not found"', async () => {
    const r = await api('/api/v6/3d/text_to_3d', { prompt: 'a red cube', model_id: 'easel-tiny' });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ status: 'error', message: 'Model id not found' });
  });

  it('instant_response answers processing with the future link; the events name the phases and fetch ends it', async () => {
    const r = await api('/api/v6/3d/text_to_3d', { prompt: 'a blue torus', resolution: 64, num_inference_steps: 8, instant_response: 'yes' });
    expect(r.body).toMatchObject({ status: 'processing', fetch_result: `${url}/api/v6/3d/fetch/${r.body.id}` });
    expect(r.body.future_links).toHaveLength(1);
    expect(r.body.future_links[0]).toMatch(/\.glb$/);
    const events = await fetch(`${url}/api/v3/jobs/${r.body.id}/events`, { headers: { authorization: `Bearer ${key}` } });
    const text = await events.text();
    const progress = [...text.matchAll(/event: progress\ndata: (.*)/g)].map((m) => JSON.parse(m[1]) as { step: number; total: number; phase?: string });
    expect(progress.some((p) => p.phase === 'denoise')).toBe(true);
    expect(progress.every((p) => p.total === 10)).toBe(true);
    const done = await api(`/api/v6/3d/fetch/${r.body.id}`, {});
    expect(done.body).toMatchObject({ status: 'success', output: [r.body.future_links[0]] });
    expect(done.body.preview).toMatch(/\.png$/);
  });
});
