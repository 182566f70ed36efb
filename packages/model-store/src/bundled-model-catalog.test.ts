import { copyFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BundledModelCatalog } from './bundled-model-catalog';

const repoModels = resolve(__dirname, '../../../models');

describe('BundledModelCatalog', () => {
  it('offers easel-tiny to every tenant and not the test-only models', async () => {
    const catalog = new BundledModelCatalog(repoModels);
    expect((await catalog.list()).filter((m) => m.category === 'stable_diffusion').map((m) => m.modelId)).toEqual(['easel-tiny']);
    expect((await catalog.find('any-tenant', 'easel-tiny'))?.location).toBe(join(repoModels, 'easel-tiny'));
    expect(await catalog.find('any-tenant', 'sd15-random')).toBeNull();
    expect(await catalog.find('any-tenant', '../easel-tiny')).toBeNull();
  });

  it("records each base model's family and paired refiner from its own files at start", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'easel-models-'));
    mkdirSync(join(dir, 'xl'));
    copyFileSync(join(repoModels, 'sdxl-random', 'model_index.json'), join(dir, 'xl', 'model_index.json'));
    writeFileSync(join(dir, 'bundled.json'), JSON.stringify({ models: [{ model_id: 'xl', model_name: 'XL', category: 'stable_diffusion' }] }));
    expect(await new BundledModelCatalog(dir).find('t', 'xl')).toMatchObject({ family: 'sdxl', refiner: 'sdxl-refiner-random' });
    const repo = new BundledModelCatalog(repoModels);
    expect(await repo.find('t', 'easel-tiny')).toMatchObject({ family: 'sd1', refiner: null });
    expect(await repo.find('t', 'striped')).toMatchObject({ family: null, refiner: null });
  });

  it('refuses a manifest naming a directory that is not a model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'easel-models-'));
    mkdirSync(join(dir, 'ghost'));
    writeFileSync(join(dir, 'bundled.json'), JSON.stringify({ models: [{ model_id: 'ghost', model_name: 'x', category: 'stable_diffusion' }] }));
    expect(() => new BundledModelCatalog(dir)).toThrow(/lists ghost, but .*ghost\/model_index.json does not exist/);
  });

  it('offers LoRA and embedding files by path; an optional entry only while its file exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'easel-models-'));
    mkdirSync(join(dir, 'adapters'));
    writeFileSync(join(dir, 'adapters', 'striped.safetensors'), 'x');
    const manifest = (models: unknown[]) => writeFileSync(join(dir, 'bundled.json'), JSON.stringify({ models }));
    manifest([
      { model_id: 'striped', model_name: 'Striped', category: 'lora', path: 'adapters/striped.safetensors', optional: true },
      { model_id: 'heart', model_name: 'Heart', category: 'embeddings', path: 'adapters/heart.safetensors', optional: true },
    ]);
    const catalog = new BundledModelCatalog(dir);
    return catalog.list().then((list) => {
      expect(list.map((m) => [m.modelId, m.category, m.location])).toEqual([['striped', 'lora', join(dir, 'adapters', 'striped.safetensors')]]);
      manifest([{ model_id: 'heart', model_name: 'Heart', category: 'embeddings', path: 'adapters/heart.safetensors' }]);
      expect(() => new BundledModelCatalog(dir)).toThrow(/lists heart, but .*heart.safetensors does not exist/);
      manifest([{ model_id: 'evil', model_name: 'x', category: 'lora', path: '../../etc/passwd.safetensors' }]);
      expect(() => new BundledModelCatalog(dir)).toThrow(/needs a "path" to a .safetensors file inside the models folder/);
    });
  });
});
