import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { familyOf, MODEL_FAMILIES, type ModelFamily } from '@easel/engine-diffusion/dist/adapter-files';

/** The key an SDXL base's model_index.json names its refiner's model_id by (diffusers ignores keys starting with "_"). */
export const REFINER_KEY = '_easel_refiner';

/**
 * What the gateway needs of a stable_diffusion model before a job is queued (pool routing, the
 * refiner pairing, model_list), read once from its verified files and kept in its row: in
 * distributed mode those files are in the artifact store, out of the gateway's reach.
 */
export interface ModelTraits {
  family: ModelFamily;
  /** The model_id its model_index.json pairs as refiner (REFINER_KEY), or null. */
  refiner: string | null;
}

function traitsOf(
  index: Record<string, unknown> | undefined,
  unetConfig: Record<string, unknown> | undefined,
): ModelTraits {
  const dim = unetConfig?.cross_attention_dim;
  const refiner = index?.[REFINER_KEY];
  return {
    family: familyOf(
      (index ?? {}) as Parameters<typeof familyOf>[0],
      typeof dim === 'number' ? dim : undefined,
    ),
    refiner: typeof refiner === 'string' && refiner !== '' ? refiner : null,
  };
}

const parseOrUndefined = (text: string | undefined): Record<string, unknown> | undefined => {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    return undefined;
  }
};

/** A model directory's traits; a directory without a readable model_index.json reads as SD 1.x, as the engine reads it. */
export async function readModelTraits(dir: string): Promise<ModelTraits> {
  const read = (path: string) => readFile(join(dir, path), 'utf8').catch(() => undefined);
  return traitsOf(
    parseOrUndefined(await read('model_index.json')),
    parseOrUndefined(await read('unet/config.json')),
  );
}

/** readModelTraits for the bundled catalog, which is built synchronously at start. */
export function readModelTraitsSync(dir: string): ModelTraits {
  const read = (path: string) => {
    try {
      return readFileSync(join(dir, path), 'utf8');
    } catch {
      return undefined;
    }
  };
  return traitsOf(parseOrUndefined(read('model_index.json')), parseOrUndefined(read('unet/config.json')));
}

/** A recorded family as the engine names it; null for a value no family has (a row written by another version). */
export function parseModelFamily(value: string | null | undefined): ModelFamily | null {
  return MODEL_FAMILIES.find((f) => f === value) ?? null;
}
