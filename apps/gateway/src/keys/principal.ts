export type Scope = 'generate' | 'admin';
export const SCOPES: readonly Scope[] = ['generate', 'admin'];

/** Who a request acts for, once its key checks out. */
export interface Principal {
  tenantId: string;
  keyId: string;
  keyPrefix: string;
  scopes: Scope[];
  rateLimitPerMinute: number;
  maxConcurrentJobs: number;
}
