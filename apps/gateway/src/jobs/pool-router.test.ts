import { join } from 'node:path';
import { ConfigError, loadConfig } from '@easel/config';
import type { ModelCatalog, ModelEntry } from '@easel/model-store';
import { DEFAULT_POOL, PoolRouter } from './pool-router';

const MODELS = join(__dirname, '..', '..', '..', '..', 'models');
const entry = (
  modelId: string,
  dir: string,
  category: ModelEntry['category'] = 'stable_diffusion',
): ModelEntry => ({
  modelId,
  name: modelId,
  category,
  visibility: 'private',
  status: 'ready',
  location: join(MODELS, dir),
  tenantId: 't1',
});
/** A tenant's models: an SDXL base under two ids (one pinned by id), a FLUX model, SD 1.x, a LoRA. */
const catalog: Pick<ModelCatalog, 'find'> = {
  find: async (tenantId, id) =>
    tenantId !== 't1'
      ? null
      : ([
          entry('my-sdxl', 'sdxl-random'),
          entry('pinned-sdxl', 'sdxl-random'),
          entry('my-flux', 'flux-random'),
          entry('easel-tiny', 'easel-tiny'),
          entry('striped', 'easel-tiny-adapters/striped.safetensors', 'lora'),
          // distributed mode: kept in the artifact store, its family recorded in its row when it was loaded
          {
            ...entry('stored-sdxl', 'x'),
            location: 'artifact:models/t1/stored-sdxl/u1',
            family: 'sdxl' as const,
          },
          { ...entry('stored-unrecorded', 'x'), location: 'artifact:models/t1/stored-unrecorded/u1' },
          { ...entry('gone-sdxl', 'no-such-model'), family: 'sdxl' as const },
          // a recorded family is believed over the files
          { ...entry('recorded-sd1', 'sdxl-random'), family: 'sd1' as const },
        ].find((m) => m.modelId === id) ?? null),
};
const router = (env: Record<string, string>) => new PoolRouter(loadConfig(env), catalog);
const ENV = {
  EASEL_SERVICE_POOLS: 'diffusion=gpu-small',
  EASEL_MODEL_POOLS: 'pinned-sdxl=gpu-pinned',
  EASEL_FAMILY_POOLS: 'sdxl=gpu-large,flux=gpu-large',
};

describe('PoolRouter: pools by model family (EASEL_FAMILY_POOLS)', () => {
  it("an SDXL or FLUX model's job is published to its family's pool; SD 1.x and other jobs keep the service's", async () => {
    const pools = router(ENV);
    const job = (modelId: string | null, tenantId = 't1') =>
      pools.poolFor('diffusion', { modelId, tenantId });
    expect(await job('my-sdxl')).toBe('gpu-large');
    expect(await job('my-flux')).toBe('gpu-large');
    expect(await job('easel-tiny')).toBe('gpu-small');
    expect(await job('striped')).toBe('gpu-small');
    // a model this tenant cannot see has no family here: the worker refuses it where the service's jobs run
    expect(await job('my-sdxl', 't2')).toBe('gpu-small');
    expect(await router({}).poolFor('diffusion', { modelId: 'my-sdxl', tenantId: 't1' })).toBe(DEFAULT_POOL);
  });

  it("a model's recorded family routes it without its files on the gateway's disk; an unrecorded one there keeps the service's pool", async () => {
    const pools = router(ENV);
    const job = (modelId: string) => pools.poolFor('diffusion', { modelId, tenantId: 't1' });
    expect(await job('stored-sdxl')).toBe('gpu-large');
    expect(await job('gone-sdxl')).toBe('gpu-large');
    expect(await job('recorded-sd1')).toBe('gpu-small');
    expect(await job('stored-unrecorded')).toBe('gpu-small');
  });

  it('an explicit model pin still wins over its family', async () => {
    expect(await router(ENV).poolFor('diffusion', { modelId: 'pinned-sdxl', tenantId: 't1' })).toBe(
      'gpu-pinned',
    );
  });

  it('the family pools are watched by /metrics', () => {
    expect(router(ENV).poolsOf('diffusion').sort()).toEqual(['gpu-large', 'gpu-pinned', 'gpu-small']);
  });

  it('a family no model is of is refused at start, naming the variable', () => {
    expect(() => router({ EASEL_FAMILY_POOLS: 'sdxl-turbo=gpu-large' })).toThrow(ConfigError);
    expect(() => router({ EASEL_FAMILY_POOLS: 'sdxl-turbo=gpu-large' })).toThrow(
      /^EASEL_FAMILY_POOLS names sdxl-turbo, which no model family is called/,
    );
  });
});
