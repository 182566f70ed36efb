/**
 * One description of a request body that yields both its parser and its JSON Schema: each field
 * is a FieldSpec that knows how to read itself (with the dialect's tolerance and Laravel
 * messages, through FieldReader) and how it is documented. A limit or default written in a spec
 * is the one the parser applies and the one /openapi.json shows.
 */
import { FieldReader, type FieldErrors } from './field-reader';
import type { Schema } from './json-schema';

/** What fields read earlier in the body gave (a field may depend on one before it, e.g. size on panorama). */
export type EarlierValues = Readonly<Record<string, unknown>>;

export interface FieldSpec<T> {
  readonly schema: Schema;
  /** Endpoints (job kinds) that take the field; unset: all of them. */
  readonly kinds?: readonly string[];
  /** Listed in the schema's `required` (the reader itself reports a missing value). */
  readonly required?: boolean | readonly string[];
  read(fields: FieldReader, name: string, earlier: EarlierValues): T;
}

export type FieldSpecs = Record<string, FieldSpec<unknown>>;
export type ValuesOf<S extends FieldSpecs> = { [K in keyof S]: S[K] extends FieldSpec<infer T> ? T : never };

export interface RequestRead<S extends FieldSpecs> {
  values: ValuesOf<S>;
  /** For checks across fields after the reads; `errors` is every bad field. */
  fields: FieldReader;
}

const takes = (spec: FieldSpec<unknown>, kind: string | undefined) =>
  !spec.kinds || kind === undefined || spec.kinds.includes(kind);

/** A request body: its fields in the order they are read (and documented). */
export class RequestSchema<S extends FieldSpecs> {
  constructor(
    readonly fields: S,
    private readonly description: string,
  ) {}

  /** Reads every field the endpoint takes; fields it does not take come back undefined. */
  read(body: unknown, kind?: string): RequestRead<S> {
    const fields = new FieldReader(body);
    const values: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(this.fields)) {
      values[name] = takes(spec, kind) ? spec.read(fields, name, values) : undefined;
    }
    return { values: values as ValuesOf<S>, fields };
  }

  /** The body's JSON Schema for one endpoint; `alsoRequired` adds what that endpoint requires beyond the specs. */
  jsonSchema(kind?: string, alsoRequired: readonly string[] = []): Schema {
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const [name, spec] of Object.entries(this.fields)) {
      if (!takes(spec, kind)) continue;
      properties[name] = spec.schema;
      const req = spec.required;
      if (req === true || (Array.isArray(req) && kind !== undefined && req.includes(kind)))
        required.push(name);
    }
    return {
      type: 'object',
      description: this.description,
      required: [...required, ...alsoRequired.filter((name) => !required.includes(name))],
      properties,
      additionalProperties: true,
    };
  }
}

export const hasErrors = (errors: FieldErrors) => Object.keys(errors).length > 0;
