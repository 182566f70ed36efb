import { ARTIFACT_LOCATION, readModelTraits, type ModelEntry, type ModelTraits } from '@easel/model-store';

/**
 * A stable_diffusion model's family and paired refiner as its row recorded them when its files were
 * verified. A row loaded before they were recorded has none: its files are read, where they are on
 * this machine (not in the artifact store). null for other categories and for unreadable ones.
 */
export async function modelTraitsOf(model: ModelEntry): Promise<ModelTraits | null> {
  if (model.category !== 'stable_diffusion') return null;
  if (model.family) return { family: model.family, refiner: model.refiner ?? null };
  if (model.location.startsWith(ARTIFACT_LOCATION)) return null;
  return readModelTraits(model.location).catch(() => null);
}
