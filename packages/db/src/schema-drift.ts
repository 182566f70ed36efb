import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import type { SqlExecutor } from './sql-executor';

export const SCHEMA_FILE = join(__dirname, '..', 'prisma', 'schema.prisma');

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: string;
  isList: boolean;
  isRequired: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string }[];
}

const UDT_BY_PRISMA_TYPE: Record<string, string> = {
  String: 'text',
  Int: 'int4',
  BigInt: 'int8',
  Float: 'float8',
  Decimal: 'numeric',
  Boolean: 'bool',
  DateTime: 'timestamp',
  Json: 'jsonb',
  Bytes: 'bytea',
};
const UDT_BY_NATIVE_TYPE: Record<string, string> = { Uuid: 'uuid', Timestamptz: 'timestamptz', Decimal: 'numeric' };

function expectedUdt(field: DmmfField): string {
  const base = (field.nativeType && UDT_BY_NATIVE_TYPE[field.nativeType[0]]) ?? UDT_BY_PRISMA_TYPE[field.type];
  return field.isList ? `_${base}` : base;
}

/**
 * Compares a migrated database with the Prisma schema: tables, columns, column types,
 * nullability and indexes. Returns one line per difference (empty when they match).
 * This is the check that the hand-kept SQL migrations say what schema.prisma says.
 */
export async function findSchemaDrift(db: SqlExecutor, schemaText = readFileSync(SCHEMA_FILE, 'utf8')): Promise<string[]> {
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] }))) as {
    datamodel: { models: DmmfModel[]; indexes: DmmfIndex[] };
  };
  const columns = await db.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: string }>(
    `SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
  );
  const indexes = await db.query<{ table_name: string; columns: string; is_unique: boolean }>(
    `SELECT t.relname AS table_name, i.indisunique AS is_unique,
            array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n), ',') AS columns
     FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
     WHERE ns.nspname = current_schema()`,
  );
  const problems: string[] = [];
  const modelTables = new Map<string, DmmfModel>();
  for (const model of dmmf.datamodel.models) {
    const table = model.dbName ?? model.name;
    modelTables.set(model.name, model);
    const actual = columns.filter((c) => c.table_name === table);
    if (actual.length === 0) {
      problems.push(`table ${table} is missing`);
      continue;
    }
    const scalars = model.fields.filter((f) => f.kind === 'scalar');
    for (const field of scalars) {
      const column = field.dbName ?? field.name;
      const found = actual.find((c) => c.column_name === column);
      if (!found) {
        problems.push(`column ${table}.${column} is missing`);
        continue;
      }
      if (found.udt_name !== expectedUdt(field)) {
        problems.push(`column ${table}.${column} is ${found.udt_name}, schema says ${expectedUdt(field)}`);
      }
      const nullable = found.is_nullable === 'YES';
      const shouldBeNullable = !field.isRequired || field.isList;
      if (nullable !== shouldBeNullable) {
        problems.push(`column ${table}.${column} is ${nullable ? '' : 'NOT '}NULL, schema disagrees`);
      }
    }
    for (const column of actual) {
      if (!scalars.some((f) => (f.dbName ?? f.name) === column.column_name)) {
        problems.push(`column ${table}.${column.column_name} is not in the schema`);
      }
    }
  }
  for (const index of dmmf.datamodel.indexes) {
    const model = modelTables.get(index.model);
    if (!model) continue;
    const table = model.dbName ?? model.name;
    const cols = index.fields
      .map((f) => model.fields.find((mf) => mf.name === f.name))
      .map((f) => (f ? (f.dbName ?? f.name) : '?'))
      .join(',');
    const unique = index.type !== 'normal';
    if (!indexes.some((i) => i.table_name === table && i.columns === cols && i.is_unique === unique)) {
      problems.push(`${unique ? 'unique ' : ''}index on ${table}(${cols}) is missing`);
    }
  }
  return problems;
}
