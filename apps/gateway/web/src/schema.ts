/** The slice of JSON Schema the playground reads from /openapi.json. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
}

export interface JobOperation {
  path: string;
  kind: string;
  summary: string;
  body: Schema;
}

type Document = {
  paths: Record<
    string,
    Record<
      string,
      {
        summary?: string;
        'x-easel-job-kind'?: string;
        requestBody?: { content: Record<string, { schema: Schema }> };
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
};

/** Follows `$ref`s and merges `allOf`, so a form sees one object's properties. */
export function resolve(schema: Schema, doc: Document): Schema {
  if (schema.$ref) return resolve(doc.components?.schemas?.[schema.$ref.split('/').pop()!] ?? {}, doc);
  if (schema.allOf) {
    const parts = schema.allOf.map((s) => resolve(s, doc));
    return {
      ...schema,
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => p.required ?? []),
    };
  }
  return schema;
}

/** Every operation that submits a job (`x-easel-job-kind`), with its request body schema resolved. */
export function jobOperations(doc: Document): JobOperation[] {
  const operations: JobOperation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    const post = methods.post;
    const kind = post?.['x-easel-job-kind'];
    const body = post?.requestBody?.content['application/json']?.schema;
    if (!kind || !body) continue;
    const resolved = resolve(body, doc);
    const properties = Object.fromEntries(
      Object.entries(resolved.properties ?? {}).map(([name, s]) => [name, resolve(s, doc)]),
    );
    operations.push({ path, kind, summary: post.summary ?? path, body: { ...resolved, properties } });
  }
  return operations;
}

/** The kinds of value a field takes, with anyOf/oneOf flattened (`["integer","string","null"]`). */
export function typesOf(schema: Schema): string[] {
  const own = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  return [...own, ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(typesOf)];
}

export function enumOf(schema: Schema): unknown[] | undefined {
  return schema.enum ?? [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].find((s) => s.enum)?.enum;
}
