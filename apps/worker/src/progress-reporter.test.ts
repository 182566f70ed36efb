import { decodeEvent, type JobProgressEvent } from '@easel/contracts';
import type { JobsRepository } from '@easel/db';
import type { JobBus, JobDelivery } from '@easel/jobs';
import { ProgressReporter } from './progress-reporter';

function reporter(intervalMs = 0) {
  const sent: JobProgressEvent[] = [];
  const bus = {
    publishEvent: async ({ data }: { data: Uint8Array }) =>
      void sent.push(decodeEvent(data) as JobProgressEvent),
  };
  const jobs = { reportProgress: async () => undefined };
  const delivery = { inProgress: async () => undefined };
  const progress = new ProgressReporter(
    bus as unknown as JobBus,
    jobs as unknown as JobsRepository,
    delivery as unknown as JobDelivery,
    1,
    intervalMs,
  );
  return { progress, sent };
}

describe('ProgressReporter previews', () => {
  it('sends a preview with the first step and then every third, in step order even when drawing is slow', async () => {
    const { progress, sent } = reporter();
    const drawn: number[] = [];
    for (let step = 1; step <= 7; step++) {
      progress.step(step, 7, async () => {
        drawn.push(step);
        await new Promise((resolve) => setTimeout(resolve, step === 1 ? 30 : 0));
        return Uint8Array.of(step);
      });
    }
    await progress.flush();
    expect(sent.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(drawn).toEqual([1, 4, 7]);
    expect(sent.filter((e) => e.preview).map((e) => [e.step, Array.from(e.preview!)])).toEqual([
      [1, [1]],
      [4, [4]],
      [7, [7]],
    ]);
  });

  it('still sends the step when the preview fails to draw', async () => {
    const { progress, sent } = reporter();
    progress.step(1, 2, () => Promise.reject(new Error('no sharp')));
    await progress.flush();
    expect(sent).toEqual([{ step: 1, total: 2, eta: expect.any(Number) }]);
  });

  it("always sends a new phase's first step with a preview, even when throttled and drawn just before", async () => {
    const { progress, sent } = reporter(60_000);
    const preview = (step: number) => async () => Uint8Array.of(step);
    for (let step = 1; step <= 4; step++) progress.step(step, 6, preview(step), 'highres_base');
    for (let step = 5; step <= 6; step++) progress.step(step, 6, preview(step), 'highres_refine');
    await progress.flush();
    expect(sent.map((e) => [e.step, e.phase, e.preview && Array.from(e.preview)])).toEqual([
      [1, 'highres_base', [1]],
      [5, 'highres_refine', [5]],
      [6, 'highres_refine', undefined],
    ]);
  });
});
