export * from './gateway';
export * from './app.module';
export * from './jobs/job-message';
export { ApiKeysService } from './keys/api-keys.service';
export { TenantsService } from './tenants/tenants.service';
export { isUuid } from './common/uuid';
export { ServiceRegistry } from './jobs/service-registry';
export type { ServiceDefinition, PreparedJob, SubmitOptions } from './jobs/service-definition';
export { DEFAULT_POOL, PoolRouter } from './jobs/pool-router';
