import { REFINER_KEY, type ModelCatalog, type ModelEntry } from '@easel/model-store';
import { ValidationError } from '../common/api-errors';
import { modelTraitsOf } from '../models/model-traits-of';

export { REFINER_KEY };

/**
 * `refiner: yes` on an SDXL base (family-capabilities.ts refuses other families): the model_id of
 * its paired refiner (REFINER_KEY in its model_index.json, as its row recorded it), a ready SDXL
 * refiner this tenant may use. Anything else is a 422 naming
 * `refiner`, before credits are held.
 */
export async function pairedRefiner(
  catalog: ModelCatalog,
  tenantId: string,
  base: ModelEntry,
): Promise<string> {
  const refuse = (why: string) =>
    new ValidationError({ refiner: [`The refiner option is unavailable for ${base.modelId}: ${why}.`] });
  const refinerId = (await modelTraitsOf(base))?.refiner;
  if (!refinerId) throw refuse(`its model_index.json names no refiner (${REFINER_KEY})`);
  const refiner = await catalog.find(tenantId, refinerId);
  if (!refiner || refiner.category !== 'stable_diffusion')
    throw refuse(`its refiner ${refinerId} is not a ready model`);
  const family = (await modelTraitsOf(refiner))?.family;
  if (family !== 'sdxl-refiner')
    throw refuse(`${refinerId} is not an SDXL refiner (its family is ${family ?? 'unknown'})`);
  return refinerId;
}
