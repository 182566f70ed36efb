import { join } from 'node:path';
import type { JobBus } from '@easel/jobs';
import type { ModelCatalog, ModelEntry } from '@easel/model-store';
import { familyCapabilityErrors } from '../generation/family-capabilities';
import { pairedRefiner } from '../generation/paired-refiner';
import { model, MODELS, parse } from '../generation/test-helpers';
import { modelTraitsOf } from './model-traits-of';
import { ModelsService } from './models.service';

/** Models kept in the artifact store (distributed mode): the gateway has none of their files. */
const stored = (id: string, traits: Pick<ModelEntry, 'family' | 'refiner'> = {}): ModelEntry => ({
  ...model(id, `artifact:models/t/${id}/upload-1`),
  visibility: 'private',
  tenantId: 't',
  ...traits,
});
const base = stored('my-xl', { family: 'sdxl', refiner: 'my-xl-refiner' });
const refiner = stored('my-xl-refiner', { family: 'sdxl-refiner', refiner: null });
const flux = stored('my-flux', { family: 'flux', refiner: null });
const unrecorded = stored('old-xl');
const catalogOf = (...entries: ModelEntry[]): ModelCatalog => ({
  list: async () => entries,
  find: async (_tenant, id) => entries.find((e) => e.modelId === id) ?? null,
});

describe("a model's family and paired refiner as its row recorded them", () => {
  it('come from the entry, else from local files, else are unknown', async () => {
    expect(await modelTraitsOf(base)).toEqual({ family: 'sdxl', refiner: 'my-xl-refiner' });
    expect(await modelTraitsOf(unrecorded)).toBeNull();
    expect(await modelTraitsOf(model('sdxl-random'))).toEqual({
      family: 'sdxl',
      refiner: 'sdxl-refiner-random',
    });
    expect(
      await modelTraitsOf({ ...model('striped'), category: 'lora', location: join(MODELS, 'x') }),
    ).toBeNull();
  });

  it('refiner: yes pairs a stored SDXL base with its stored refiner', async () => {
    expect(await familyCapabilityErrors(parse({ refiner: 'yes' }), base)).toEqual({});
    await expect(pairedRefiner(catalogOf(base, refiner), 't', base)).resolves.toBe('my-xl-refiner');
    await expect(
      pairedRefiner(catalogOf(base, { ...refiner, family: 'sdxl' }), 't', base),
    ).rejects.toMatchObject({
      fields: { refiner: [expect.stringContaining('is not an SDXL refiner (its family is sdxl)')] },
    });
    // a row loaded before families were recorded still reads as SD 1.x here, as before
    expect(Object.keys(await familyCapabilityErrors(parse({ refiner: 'yes' }), unrecorded))).toEqual([
      'refiner',
    ]);
  });

  it("a stored FLUX model's options are refused before credits are held", async () => {
    expect(Object.keys(await familyCapabilityErrors(parse({ negative_prompt: 'blur' }), flux))).toEqual([
      'negative_prompt',
    ]);
  });

  it('model_list says the family of a stored model', async () => {
    const service = new ModelsService(catalogOf(base, flux, unrecorded), {} as JobBus);
    expect((await service.list('t')).map((m) => [m.model_id, m.model_family])).toEqual([
      ['my-xl', 'sdxl'],
      ['my-flux', 'flux'],
      ['old-xl', undefined],
    ]);
  });
});
