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
  /** Set by Easel's field table: `image` for a URL-or-base64 image field (a file picker is offered). */
  'x-easel-widget'?: string;
}

export interface JobOperation {
  path: string;
  kind: string;
  summary: string;
  /** The operation's first OpenAPI tag: the family it belongs to, for grouping. */
  tag: string;
  body: Schema;
}

export type Document = {
  paths: Record<
    string,
    Record<
      string,
      {
        summary?: string;
        tags?: string[];
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
    operations.push({
      path,
      kind,
      summary: post.summary ?? path,
      tag: post.tags?.[0] ?? 'other',
      body: { ...resolved, properties },
    });
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

/** How a field is entered: every schema the document uses maps to one (a test checks each field). */
export type Widget = 'image' | 'audio' | 'flag' | 'choice' | 'long-text' | 'text' | 'json';

const LONG_TEXT = new Set(['prompt', 'negative_prompt']);

/**
 * The control for a request field, from its schema alone; undefined for a schema the page does
 * not know how to offer (the form then falls back to JSON, and the forms test names the field).
 */
export function widgetOf(name: string, schema: Schema): Widget | undefined {
  if (schema['x-easel-widget'] === 'image') return 'image';
  if (schema['x-easel-widget'] === 'audio') return 'audio';
  const types = typesOf(schema);
  if (types.includes('boolean') && !types.includes('number')) return 'flag';
  if (enumOf(schema)) return 'choice';
  if (types.includes('string')) return LONG_TEXT.has(name) ? 'long-text' : 'text';
  if (types.includes('integer') || types.includes('number')) return 'text';
  if (types.includes('array') || types.includes('object')) return 'json';
  return undefined;
}

/**
 * Operations with a `mask_image` image field get the mask canvas, drawn over the picture of
 * their first other image field (`init_image`, `image`...); undefined without a mask field.
 */
export function maskOf(operation: JobOperation): { background?: string } | undefined {
  const properties = operation.body.properties ?? {};
  if (!properties.mask_image || widgetOf('mask_image', properties.mask_image) !== 'image') return undefined;
  const background = Object.keys(properties).find(
    (name) => name !== 'mask_image' && widgetOf(name, properties[name]) === 'image',
  );
  return background ? { background } : {};
}
