export * from './database';
export * from './sql-executor';
export * from './migrate';
export * from './postgres-database';
export * from './embedded-database';
export { PrismaClient, Prisma } from './generated/prisma/client';
export type { Job, Artifact, Tenant, ApiKey, LedgerEntry } from './generated/prisma/client';
export * from './schema-drift';
export * from './repositories';
