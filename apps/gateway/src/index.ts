export * from './gateway';
export * from './app.module';
export * from './jobs/job-message';
export { ApiKeysService } from './keys/api-keys.service';
export { TenantsService } from './tenants/tenants.service';
export { isUuid } from './common/uuid';
