export * from './errors';
export * from './ledger.repository';
export * from './jobs.repository';
export * from './artifacts.repository';
export * from './webhooks.repository';
export * from './rate-limits.repository';
export * from './retention.repository';
export * from './tenant-job-page';
