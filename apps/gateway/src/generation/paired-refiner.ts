import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readModelFamily } from '@easel/engine-diffusion/dist/adapter-files';
import type { ModelCatalog, ModelEntry } from '@easel/model-store';
import { ValidationError } from '../common/api-errors';

/** The key an SDXL base's model_index.json names its refiner's model_id by (diffusers ignores keys starting with "_"). */
export const REFINER_KEY = '_easel_refiner';

/**
 * `refiner: yes` on an SDXL base (family-capabilities.ts refuses other families): the model_id of
 * its paired refiner, a ready SDXL refiner this tenant may use. Anything else is a 422 naming
 * `refiner`, before credits are held.
 */
export async function pairedRefiner(
  catalog: ModelCatalog,
  tenantId: string,
  base: ModelEntry,
): Promise<string> {
  const refuse = (why: string) =>
    new ValidationError({ refiner: [`The refiner option is unavailable for ${base.modelId}: ${why}.`] });
  const index = await readFile(join(base.location, 'model_index.json'), 'utf8')
    .then((text) => JSON.parse(text) as Record<string, unknown>)
    .catch(() => ({}) as Record<string, unknown>);
  const refinerId = index[REFINER_KEY];
  if (typeof refinerId !== 'string' || refinerId === '')
    throw refuse(`its model_index.json names no refiner (${REFINER_KEY})`);
  const refiner = await catalog.find(tenantId, refinerId);
  if (!refiner || refiner.category !== 'stable_diffusion')
    throw refuse(`its refiner ${refinerId} is not a ready model`);
  const family = await readModelFamily(refiner.location).catch(() => null);
  if (family !== 'sdxl-refiner')
    throw refuse(`${refinerId} is not an SDXL refiner (its family is ${family ?? 'unknown'})`);
  return refinerId;
}
