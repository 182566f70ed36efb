import { MESH_CREDITS_PER_MESH, type MeshParams } from '@easel/contracts';

const BASE_RESOLUTION = 256;

/** A mesh costs MESH_CREDITS_PER_MESH up to resolution 256; a finer grid costs its surface's share more (cells on the surface grow with the square). */
export function meshPrice(p: Pick<MeshParams, 'resolution'>): number {
  const price = MESH_CREDITS_PER_MESH * Math.max(1, (p.resolution / BASE_RESOLUTION) ** 2);
  return Math.round(price * 10_000) / 10_000;
}

export const MESH_PRICING = `${MESH_CREDITS_PER_MESH} credit per mesh up to resolution ${BASE_RESOLUTION}; finer grids cost (resolution / ${BASE_RESOLUTION})² times that (512: ${(MESH_CREDITS_PER_MESH * 4).toFixed(1)}). Held when the job is accepted, captured on success, released on failure.`;
