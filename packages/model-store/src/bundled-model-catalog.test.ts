import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BundledModelCatalog } from './bundled-model-catalog';

const repoModels = resolve(__dirname, '../../../models');

describe('BundledModelCatalog', () => {
  it('offers easel-tiny to every tenant and not the test-only models', async () => {
    const catalog = new BundledModelCatalog(repoModels);
    expect((await catalog.list()).map((m) => m.modelId)).toEqual(['easel-tiny']);
    expect((await catalog.find('any-tenant', 'easel-tiny'))?.location).toBe(join(repoModels, 'easel-tiny'));
    expect(await catalog.find('any-tenant', 'sd15-random')).toBeNull();
    expect(await catalog.find('any-tenant', '../easel-tiny')).toBeNull();
  });

  it('refuses a manifest naming a directory that is not a model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'easel-models-'));
    mkdirSync(join(dir, 'ghost'));
    writeFileSync(join(dir, 'bundled.json'), JSON.stringify({ models: [{ model_id: 'ghost', model_name: 'x', category: 'stable_diffusion' }] }));
    expect(() => new BundledModelCatalog(dir)).toThrow(/ghost has no model_index.json/);
  });
});
