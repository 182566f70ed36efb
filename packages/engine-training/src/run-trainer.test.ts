import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { probePython } from './python-probe';
import { runTrainer } from './run-trainer';
import { TrainerFailedError } from './trainer-errors';
import { parseTrainerEvent, type TrainerEvent } from './trainer-events';

const EASEL_TINY = resolve(__dirname, '../../../models/easel-tiny');

async function fakeTrainer(dir: string, body: string): Promise<string> {
  const script = join(dir, 'fake-trainer.js');
  await writeFile(script, body);
  return script;
}

describe('the trainer protocol', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'easel-trainer-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads events from JSON lines and leaves every other line to the log', () => {
    expect(parseTrainerEvent('{"event": "progress", "step": 3, "total": 10, "loss": 0.2, "eta_seconds": 7}')).toMatchObject({ event: 'progress', step: 3 });
    expect(parseTrainerEvent('{"event": "bogus"}')).toBeNull();
    expect(parseTrainerEvent('Traceback (most recent call last):')).toBeNull();
    expect(parseTrainerEvent('{not json')).toBeNull();
  });

  it("a trainer that reports an error fails for good, with its message and log tail", async () => {
    const script = await fakeTrainer(dir, `console.error('loading the model'); console.log(JSON.stringify({ event: 'error', message: 'ValueError: bad graph' })); process.exit(1);`);
    const error = await runTrainer({ python: process.execPath, script, workDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainerFailedError);
    expect(error).toMatchObject({ message: 'ValueError: bad graph', retryable: false });
    expect((error as TrainerFailedError).logTail).toContain('loading the model');
  });

  it('a trainer killed from outside (a signal) may run again: retryable', async () => {
    const script = await fakeTrainer(dir, `console.log(JSON.stringify({ event: 'progress', step: 1, total: 9, loss: 1, eta_seconds: 8 })); process.kill(process.pid, 'SIGKILL');`);
    const events: TrainerEvent[] = [];
    const error = await runTrainer({ python: process.execPath, script, workDir: dir, onEvent: (e) => events.push(e) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: true });
    expect(events).toEqual([expect.objectContaining({ event: 'progress', step: 1 })]);
  });

  it('an abort stops the trainer and rejects with the reason', async () => {
    const script = await fakeTrainer(dir, `console.log(JSON.stringify({ event: 'loaded', trainable: 1, resumed_from: 0, total: 1 })); setInterval(() => {}, 1000);`);
    const controller = new AbortController();
    const run = runTrainer({ python: process.execPath, script, workDir: dir, signal: controller.signal, onEvent: () => controller.abort(new Error('cancelled')) });
    await expect(run).rejects.toThrow('cancelled');
  });
});

/** The real trainer on easel-tiny: needs python3 with torch and onnx (.ci/run installs Debian's). */
describe('the trainer on easel-tiny', () => {
  let probe: Awaited<ReturnType<typeof probePython>>;
  let dir: string;
  beforeAll(async () => {
    probe = await probePython(process.env.EASEL_TRAINER_PYTHON);
    if (probe.python === null) throw new Error(probe.problem);
    dir = await mkdtemp(join(tmpdir(), 'easel-trainer-real-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function workFolder(name: string): Promise<string> {
    const work = join(dir, name);
    await mkdir(join(work, 'images'), { recursive: true });
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const pixels = Buffer.alloc(128 * 128 * 3, 40 + 50 * i);
      await writeFile(join(work, 'images', `i${i}.rgb`), pixels);
      names.push(`images/i${i}.rgb`);
    }
    const job = { mode: 'lora', base_model: EASEL_TINY, base_model_id: 'easel-tiny', resolution: 128, instance_images: names, instance_prompt: 'a zxq square', class_prompt: null, class_images: [], max_train_steps: 4, learning_rate: 1e-3, seed: 3, batch_size: 2, lora_type: 'lora', rank: 2, checkpoint_every: 2, threads: 1 };
    await writeFile(join(work, 'job.json'), JSON.stringify(job));
    return work;
  }

  it('resumes from its checkpoint to the same weights as a run never stopped', async () => {
    const straight = await workFolder('straight');
    const done = await runTrainer({ python: probe.python!, workDir: straight });
    expect(done).toMatchObject({ event: 'done', steps: 4, files: ['lora.safetensors'] });

    const stopped = await workFolder('stopped');
    const controller = new AbortController();
    await runTrainer({ python: probe.python!, workDir: stopped, signal: controller.signal, onEvent: (e) => e.event === 'checkpoint' && controller.abort(new Error('stop')) }).catch(() => undefined);
    const events: TrainerEvent[] = [];
    const resumed = await runTrainer({ python: probe.python!, workDir: stopped, onEvent: (e) => events.push(e) });
    expect(events[0]).toMatchObject({ event: 'loaded', resumed_from: 2, total: 4 });
    expect(resumed.steps).toBe(4);
    const [a, b] = await Promise.all([readFile(join(straight, 'output', 'lora.safetensors')), readFile(join(stopped, 'output', 'lora.safetensors'))]);
    expect(b.equals(a)).toBe(true);
  }, 240_000);
});
