import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findModelRoot } from './verify-model';

const MODELS = join(__dirname, '..', '..', '..', 'models');

describe('the model layout check knows each family from model_index.json', () => {
  it.each(['sd15-random', 'sd2-random', 'sdxl-random', 'sdxl-refiner-random', 'flux-random'])('accepts %s as exported', async (name) => {
    await expect(findModelRoot(join(MODELS, name))).resolves.toBe(join(MODELS, name));
  });

  it.each([
    ['sdxl-random', 'text_encoder_2/model.onnx', /missing text_encoder_2\/model.onnx \(for a sdxl model\)/],
    ['flux-random', 'transformer', /missing transformer\/model.onnx \(for a flux model\)/],
  ])('refuses %s without %s, naming it', async (name, remove, message) => {
    const dir = join(await mkdtemp(join(tmpdir(), 'easel-family-')), name);
    try {
      await cp(join(MODELS, name), dir, { recursive: true });
      await rm(join(dir, remove), { recursive: true });
      await expect(findModelRoot(dir)).rejects.toThrow(message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
