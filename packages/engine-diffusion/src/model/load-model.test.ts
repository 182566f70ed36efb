import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiffusionEngine } from '../engine';
import { GraphMismatchError, ModelFileError } from '../errors';
import { SD15_RANDOM } from '../pipeline/test-helpers';
import { loadDiffusionModel } from './load-model';
import { ByteBudgetLru } from './session-cache';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'easel-model-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function copyModel(name: string): Promise<string> {
  const dir = join(tmp, name);
  await cp(SD15_RANDOM, dir, { recursive: true });
  return dir;
}

describe('loadDiffusionModel', () => {
  it('reads everything from configs and graphs', async () => {
    const m = await loadDiffusionModel(SD15_RANDOM);
    expect(m.info).toMatchObject({
      latentChannels: 4, unetInChannels: 4, isInpaintUnet: false, vaeScaleFactor: 8, scalingFactor: 0.18215,
      predictionType: 'epsilon', timestepType: 'int64', textWidth: 768, sequenceLength: 77, hasVaeEncoder: true,
    });
    await m.release();
  });

  it('missing files → model_file_missing', async () => {
    await expect(loadDiffusionModel(join(tmp, 'nope'))).rejects.toMatchObject({ code: 'model_file_missing' });
  });

  it('a corrupt .onnx → model_file_corrupt, not a crash', async () => {
    const dir = await copyModel('corrupt');
    await writeFile(join(dir, 'unet', 'model.onnx'), Buffer.from('this is not a protobuf'));
    const err = await loadDiffusionModel(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect(err).toMatchObject({ code: 'model_file_corrupt' });
  });

  it('a corrupt config → model_file_corrupt', async () => {
    const dir = await copyModel('badjson');
    await writeFile(join(dir, 'scheduler', 'scheduler_config.json'), '{ nope');
    await expect(loadDiffusionModel(dir)).rejects.toMatchObject({ code: 'model_file_corrupt' });
  });

  it('a graph without a needed input → GraphMismatchError naming it', async () => {
    const dir = await copyModel('mismatch');
    await cp(join(SD15_RANDOM, 'vae_decoder', 'model.onnx'), join(dir, 'unet', 'model.onnx'));
    const err = await loadDiffusionModel(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphMismatchError);
    expect(err).toMatchObject({ code: 'graph_mismatch', graph: 'unet', input: 'sample' });
  });
});

describe('model cache', () => {
  it('evicts the least recently used model past the byte budget', async () => {
    const other = await copyModel('second');
    const engine = new DiffusionEngine({ cacheBudgetBytes: 400_000 });
    await engine.loadModel(SD15_RANDOM);
    await engine.loadModel(other);
    expect(engine.loadedModels()).toEqual([other]);
    await engine.dispose();
  });

  it('disposes an evicted entry only after its last user', async () => {
    const disposed: string[] = [];
    const lru = new ByteBudgetLru<string>(10, (v) => void disposed.push(v));
    const held = await lru.acquire('a', async () => ({ value: 'a', bytes: 8 }));
    await lru.get('b', async () => ({ value: 'b', bytes: 8 }));
    expect(lru.keys()).toEqual(['b']);
    expect(disposed).toEqual([]);
    await held.release();
    expect(disposed).toEqual(['a']);
  });
});
