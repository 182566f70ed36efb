// The parts of @20minutes/s3rver (a Koa application) the test helper uses; it ships no types.
declare module '@20minutes/s3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverContext {
    method: string;
    query: Record<string, string | string[] | undefined>;
    headers: Record<string, string | string[] | undefined>;
    status: number;
    type: string;
    body: unknown;
  }
  type Middleware = (context: S3rverContext, next: () => Promise<void>) => Promise<void> | void;

  class S3rver {
    constructor(options: { address?: string; port?: number; silent?: boolean; directory: string });
    /** Koa's middleware stack; composed when the server starts listening. */
    middleware: Middleware[];
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
  export = S3rver;
}
