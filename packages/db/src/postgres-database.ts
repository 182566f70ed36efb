import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from './generated/prisma/client';
import { TRANSACTION_OPTIONS, type Database } from './database';
import type { QueryOptions, SqlExecutor } from './sql-executor';

export interface PostgresOptions {
  /** A postgresql:// URL; a `schema` query parameter selects the schema, as with Prisma. */
  url: string;
  maxConnections?: number;
}

/** Names already computed: the texts are a small fixed set (QueryOptions.prepare), each hashed once. */
const preparedNames = new Map<string, string>();

/** A prepared statement's name from its text, so one name never stands for two texts on a connection. */
export function preparedName(text: string): string {
  let name = preparedNames.get(text);
  if (name === undefined) {
    name = `easel_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    preparedNames.set(text, name);
  }
  return name;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Splits Prisma's `?schema=` parameter off the URL, since node-postgres does not know it. */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name in database URL: ${schema}`);
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const { connectionString, schema } = parsePostgresUrl(options.url);
  const pool = new Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    options: `-c search_path="${schema}"`,
  });
  // An idle connection the server closed (a PostgreSQL restart) must not take the process down:
  // the pool drops it, and the next query opens a new one.
  pool.on('error', () => undefined);
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { schema }), transactionOptions: TRANSACTION_OPTIONS });
  const sql: SqlExecutor = {
    async query<Row>(text: string, params: unknown[] = [], options: QueryOptions = {}) {
      const name = options.prepare ? preparedName(text) : undefined;
      return (await pool.query({ name, text, values: params })).rows as Row[];
    },
    async exec(text: string) {
      // A script must run on one connection so BEGIN/COMMIT bracket it.
      const client = await pool.connect();
      try {
        await client.query(text);
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  return {
    kind: 'postgres',
    prisma,
    sql,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
