import { Inject, Injectable } from '@nestjs/common';
import { ConfigError, type EaselConfig } from '@easel/config';
import { SERVICE_NAMES } from '@easel/contracts';
import { MODEL_FAMILIES } from '@easel/engine-diffusion/dist/adapter-files';
import type { ModelCatalog } from '@easel/model-store';
import { modelTraitsOf } from '../models/model-traits-of';
import { CONFIG, MODEL_CATALOG } from '../tokens';

/** The pool a worker serves when EASEL_POOL is not set, and a service's pool when nothing assigns one. */
export const DEFAULT_POOL = 'default';

type PoolConfig = Pick<EaselConfig, 'servicePools' | 'modelPools' | 'familyPools'>;

/**
 * Which worker pool a job is published to: the pool its model is pinned to (EASEL_MODEL_POOLS), else
 * the pool of its model's family (EASEL_FAMILY_POOLS, the family its row recorded from the model's
 * model_index.json when it was loaded), else its service's pool (EASEL_SERVICE_POOLS), else `default`. The chart renders
 * them from the same values that name its worker Deployments' EASEL_POOL and its KEDA triggers.
 */
@Injectable()
export class PoolRouter {
  private readonly servicePools: Record<string, string>;
  private readonly modelPools: Record<string, string>;
  private readonly familyPools: Record<string, string>;

  constructor(
    @Inject(CONFIG) config: PoolConfig,
    @Inject(MODEL_CATALOG) private readonly catalog: Pick<ModelCatalog, 'find'>,
  ) {
    refuseUnknown('EASEL_SERVICE_POOLS', config.servicePools, SERVICE_NAMES, 'service');
    refuseUnknown('EASEL_FAMILY_POOLS', config.familyPools, MODEL_FAMILIES, 'model family');
    this.servicePools = config.servicePools;
    this.modelPools = config.modelPools;
    this.familyPools = config.familyPools;
  }

  async poolFor(service: string, job: { modelId: string | null; tenantId: string }): Promise<string> {
    const pinned = job.modelId !== null ? this.modelPools[job.modelId] : undefined;
    return pinned ?? (await this.familyPool(job)) ?? this.servicePools[service] ?? DEFAULT_POOL;
  }

  /** Every pool a service's jobs may go to (its own and those its pinned models and families use): what /metrics watches. */
  poolsOf(service: string): string[] {
    return [
      ...new Set([
        this.servicePools[service] ?? DEFAULT_POOL,
        ...Object.values(this.modelPools),
        ...Object.values(this.familyPools),
      ]),
    ];
  }

  /** A model of no recorded family whose files cannot be read here (or that is no diffusion model) has no family pool. */
  private async familyPool({
    modelId,
    tenantId,
  }: {
    modelId: string | null;
    tenantId: string;
  }): Promise<string | undefined> {
    if (modelId === null || Object.keys(this.familyPools).length === 0) return undefined;
    const model = await this.catalog.find(tenantId, modelId).catch(() => null);
    const traits = model ? await modelTraitsOf(model) : null;
    return traits ? this.familyPools[traits.family] : undefined;
  }
}

function refuseUnknown(
  variable: string,
  pools: Record<string, string>,
  known: readonly string[],
  what: string,
): void {
  const unknown = Object.keys(pools).filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new ConfigError(
      `${variable} names ${unknown.join(', ')}, which no ${what} is called (known: ${known.join(', ')})`,
    );
}
