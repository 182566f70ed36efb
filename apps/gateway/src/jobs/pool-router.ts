import { Inject, Injectable } from '@nestjs/common';
import { ConfigError, type EaselConfig } from '@easel/config';
import { SERVICE_NAMES } from '@easel/contracts';
import { CONFIG } from '../tokens';

/** The pool a worker serves when EASEL_POOL is not set, and a service's pool when nothing assigns one. */
export const DEFAULT_POOL = 'default';

/**
 * Which worker pool a job is published to: the pool its model is pinned to (EASEL_MODEL_POOLS), else
 * its service's pool (EASEL_SERVICE_POOLS), else `default`. The chart renders both variables from the
 * same values that name its worker Deployments' EASEL_POOL and its KEDA triggers, so all agree.
 */
@Injectable()
export class PoolRouter {
  private readonly servicePools: Record<string, string>;
  private readonly modelPools: Record<string, string>;

  constructor(@Inject(CONFIG) config: Pick<EaselConfig, 'servicePools' | 'modelPools'>) {
    const unknown = Object.keys(config.servicePools).filter((service) => !SERVICE_NAMES.includes(service));
    if (unknown.length > 0)
      throw new ConfigError(
        `EASEL_SERVICE_POOLS names ${unknown.join(', ')}, which no service is called (known: ${SERVICE_NAMES.join(', ')})`,
      );
    this.servicePools = config.servicePools;
    this.modelPools = config.modelPools;
  }

  poolFor(service: string, modelId: string | null): string {
    return (
      (modelId !== null ? this.modelPools[modelId] : undefined) ?? this.servicePools[service] ?? DEFAULT_POOL
    );
  }

  /** Every pool a service's jobs may go to (its own and those its pinned models use): what /metrics watches. */
  poolsOf(service: string): string[] {
    return [...new Set([this.servicePools[service] ?? DEFAULT_POOL, ...Object.values(this.modelPools)])];
  }
}
