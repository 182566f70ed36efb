import type { EmbeddedEaselInstance } from '@easel/easel';
import { post, startTestEasel } from './helpers';

// Also when run through the root's projects, which do not apply test/jest.config.js's testTimeout.
jest.setTimeout(120_000);

/** Live progress of real jobs on the bundled model (embedded mode, one job at a time). */
let easel: EmbeddedEaselInstance;
let key = '';
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ easel, key, close } = await startTestEasel({ EASEL_ORT_THREADS: '1', EASEL_SYNC_WINDOW_MS: '0' }));
});

afterAll(() => close?.());

interface Progress {
  step: number;
  total: number;
  phase?: string;
  preview?: string;
}

/** The job's `progress` events and its `end`, read until the server closes the stream. */
async function follow(id: number): Promise<{ progress: Progress[]; end: Record<string, unknown> }> {
  const response = await fetch(`${easel.url}/api/v3/jobs/${id}/events`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const progress: Progress[] = [];
  let end: Record<string, unknown> = {};
  let buffer = '';
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffer += decoder.decode(read.value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === 'progress') progress.push(JSON.parse(data!) as Progress);
      if (event === 'end') end = JSON.parse(data!) as Record<string, unknown>;
    }
  }
  return { progress, end };
}

describe('GET /api/v3/jobs/{id}/events on the bundled model', () => {
  it('highres_fix: steps count both passes, each named, with previews of the second pass', async () => {
    // A job ahead in the queue, so the stream is open before the highres job's first step.
    const ahead = await post(`${easel.url}/api/v3/text2img`, {
      key,
      prompt: 'a blue square',
      num_inference_steps: 12,
    });
    const { body } = await post(`${easel.url}/api/v3/text2img`, {
      key,
      prompt: 'a red circle on a blue background',
      highres_fix: 'yes',
      highres_fix_strength: 0.5,
      width: 256,
      height: 256,
      num_inference_steps: 8,
      seed: 3,
    });
    expect([ahead.body.status, body.status]).toEqual(['processing', 'processing']);
    const { progress, end } = await follow(body.id);
    expect(end).toMatchObject({ status: 'success', meta: { highres_fix_applied: 'yes' } });
    // 8 base steps, then 4 refine steps (strength 0.5): one count across both passes.
    const total = progress.at(-1)!.total;
    expect(total).toBe(12);
    expect(progress.at(-1)!.step).toBe(total);
    const steps = progress.map((p) => p.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    const phases = progress.map((p) => p.phase);
    expect(new Set(phases)).toEqual(new Set(['highres_base', 'highres_refine']));
    expect(phases.indexOf('highres_refine')).toBeGreaterThan(phases.lastIndexOf('highres_base'));
    const firstRefine = progress.find((p) => p.phase === 'highres_refine')!;
    expect(firstRefine.step).toBe(9);
    expect(firstRefine.preview).toMatch(/^data:image\/png;base64,/);
    expect(progress.find((p) => p.phase === 'highres_base')!.preview).toMatch(/^data:image\/png;base64,/);
  });
});
