import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelCatalog, ModelEntry } from '@easel/model-store';
import { GENERATION_LIMITS } from './request';
import { modelCapabilityErrors } from './model-capabilities';
import { pairedRefiner, REFINER_KEY } from './paired-refiner';
import { model, MODELS, parse } from './test-helpers';

const catalogOf = (...entries: ModelEntry[]): ModelCatalog => ({
  list: async () => entries,
  find: async (_tenant, id) => entries.find((e) => e.modelId === id) ?? null,
});

describe('SDXL sizes: the parser allows them, the model decides', () => {
  const { large } = GENERATION_LIMITS;
  const bucket = { width: large.maxSide, height: Math.floor(large.maxPixels / large.maxSide / 64) * 64 };

  it("1024² and SDXL's widest aspect bucket are accepted for SDXL (and FLUX) models", async () => {
    const square = Math.sqrt(large.maxPixels);
    for (const id of ['sdxl-random', 'flux-random']) {
      expect(await modelCapabilityErrors(parse({ width: square, height: square }), model(id))).toEqual({});
      expect(await modelCapabilityErrors(parse(bucket), model(id))).toEqual({});
    }
  });

  it('SD 1.x and 2.x keep their limits, each a 422 naming the side', async () => {
    const square = Math.sqrt(large.maxPixels);
    for (const id of ['sd15-random', 'sd2-random']) {
      const area = await modelCapabilityErrors(parse({ width: square, height: square }), model(id));
      expect(Object.keys(area)).toEqual(['width']);
      const side = await modelCapabilityErrors(parse(bucket), model(id));
      expect(side.width).toEqual([
        expect.stringContaining(`not be greater than ${GENERATION_LIMITS.maxSide}`),
      ]);
      expect(
        await modelCapabilityErrors(parse({ width: GENERATION_LIMITS.maxSide, height: 768 }), model(id)),
      ).toEqual({});
    }
  });
});

describe('refiner: yes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'easel-refiner-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('on a model that is not an SDXL base is a 422 naming refiner', async () => {
    for (const id of ['sd15-random', 'sdxl-refiner-random', 'flux-random']) {
      expect(Object.keys(await modelCapabilityErrors(parse({ refiner: 'yes' }), model(id)))).toEqual([
        'refiner',
      ]);
    }
    expect(await modelCapabilityErrors(parse({ refiner: 'yes' }), model('sdxl-random'))).toEqual({});
  });

  it("resolves the refiner the base's model_index.json names, when the tenant may use it", async () => {
    const index = JSON.parse(
      await readFile(join(MODELS, 'sdxl-random', 'model_index.json'), 'utf8'),
    ) as Record<string, string>;
    const refiner = model(index[REFINER_KEY], join(MODELS, 'sdxl-refiner-random'));
    await expect(pairedRefiner(catalogOf(refiner), 't', model('sdxl-random'))).resolves.toBe(
      index[REFINER_KEY],
    );
    await expect(pairedRefiner(catalogOf(), 't', model('sdxl-random'))).rejects.toMatchObject({
      fields: { refiner: [expect.stringContaining('not a ready model')] },
    });
    // a pairing that names a base model, not a refiner
    await expect(
      pairedRefiner(
        catalogOf({ ...refiner, location: join(MODELS, 'sdxl-random') }),
        't',
        model('sdxl-random'),
      ),
    ).rejects.toMatchObject({ fields: { refiner: [expect.stringContaining('not an SDXL refiner')] } });
  });

  it('a base whose model_index.json names no refiner is a 422 naming refiner', async () => {
    const base = join(dir, 'unpaired');
    await cp(join(MODELS, 'sdxl-random'), base, { recursive: true });
    const index = JSON.parse(await readFile(join(base, 'model_index.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    delete index[REFINER_KEY];
    await writeFile(join(base, 'model_index.json'), JSON.stringify(index));
    await expect(pairedRefiner(catalogOf(), 't', model('unpaired', base))).rejects.toMatchObject({
      fields: { refiner: [expect.stringContaining('names no refiner')] },
    });
  });
});
