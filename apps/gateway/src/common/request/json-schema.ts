/**
 * JSON Schema (2020-12, as OpenAPI 3.1 uses it) builders for the dialect's tolerant scalars:
 * numbers that may come as numeric strings, flags written yes/no/true/false/1/0, and `null`
 * (or `""`) for "unset". They mirror common/request/coercion.ts; openapi.test.ts checks
 * the documented ranges and enums against the parser itself.
 */

export type Schema = Record<string, unknown>;

/** PHP's is_numeric as coercion.ts reads it: `12`, `-1.5`, `.5`, `5.`, `1e3` (surrounding blanks are trimmed). */
export const NUMERIC_STRING_PATTERN = '^\\s*[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?\\s*$';

/** A pattern matching any of `words` in any letter case, with surrounding blanks (the parser trims). */
export function caseInsensitiveWords(words: readonly string[]): string {
  const ci = (word: string) =>
    [...word]
      .map((c) => {
        const lower = c.toLowerCase();
        const upper = c.toUpperCase();
        if (lower !== upper) return `[${lower}${upper}]`;
        return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
  return `^\\s*(?:${words.map(ci).join('|')})\\s*$`;
}

export const NULL: Schema = { type: 'null' };
/** `""` and blanks mean unset too (Laravel's ConvertEmptyStringsToNull). */
export const BLANK: Schema = {
  type: 'string',
  pattern: '^\\s*$',
  description: 'blank: the same as null (unset)',
};

interface NumberOptions {
  integer?: boolean;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  default?: unknown;
  description?: string;
  /** Extra accepted values (e.g. `-1` for a random seed). */
  extra?: Schema[];
}

/** A number (or integer) in range, also as a numeric string; null or blank for unset. */
export function tolerantNumber(options: NumberOptions = {}): Schema {
  const numeric: Schema = { type: options.integer ? 'integer' : 'number' };
  if (options.minimum !== undefined) numeric.minimum = options.minimum;
  if (options.maximum !== undefined) numeric.maximum = options.maximum;
  if (options.multipleOf !== undefined) numeric.multipleOf = options.multipleOf;
  const asString: Schema = {
    type: 'string',
    pattern: NUMERIC_STRING_PATTERN,
    description: `a numeric string, read as ${options.integer ? 'an integer' : 'a number'} with the same limits`,
  };
  return withMeta({ anyOf: [numeric, asString, ...(options.extra ?? []), NULL, BLANK] }, options);
}

export const TRUE_WORDS = ['yes', 'true', '1'] as const;
export const FALSE_WORDS = ['no', 'false', '0'] as const;

/** yes/no, true/false, 1/0 — as JSON values or strings, any letter case; null or blank for unset. */
export function tolerantFlag(options: { default?: boolean; description?: string } = {}): Schema {
  return withMeta(
    {
      anyOf: [
        { type: 'boolean' },
        { type: 'string', enum: [...TRUE_WORDS, ...FALSE_WORDS], description: 'any letter case' },
        { type: 'string', pattern: caseInsensitiveWords([...TRUE_WORDS, ...FALSE_WORDS]) },
        { type: 'integer', enum: [0, 1] },
        NULL,
        BLANK,
      ],
    },
    { ...options, default: options.default === undefined ? undefined : options.default ? 'yes' : 'no' },
  );
}

/** A string (trimmed) of at most `maxLength` characters; null or blank for unset. */
export function tolerantString(
  options: { maxLength?: number; default?: unknown; description?: string; format?: string } = {},
): Schema {
  const text: Schema = { type: 'string' };
  if (options.maxLength !== undefined) text.maxLength = options.maxLength;
  if (options.format !== undefined) text.format = options.format;
  return withMeta({ anyOf: [text, NULL] }, options);
}

/** One of `values` (any letter case); null or blank for unset. */
export function tolerantEnum(
  values: readonly string[],
  options: { default?: unknown; description?: string } = {},
): Schema {
  return withMeta(
    {
      anyOf: [
        { type: 'string', enum: [...values] },
        { type: 'string', pattern: caseInsensitiveWords(values), description: 'any letter case' },
        NULL,
        BLANK,
      ],
    },
    options,
  );
}

/** Ids as a comma-separated string or an array of strings/numbers. */
export function idList(
  options: { maxItems?: number; maxLength?: number; description?: string } = {},
): Schema {
  const item: Schema = {
    anyOf: [
      { type: 'string', ...(options.maxLength ? { maxLength: options.maxLength } : {}) },
      { type: 'number' },
    ],
  };
  return withMeta(
    {
      anyOf: [
        { type: 'string', description: 'comma-separated ids ("a, b")' },
        { type: 'number', description: 'a single numeric id' },
        { type: 'array', items: item, ...(options.maxItems ? { maxItems: options.maxItems } : {}) },
        NULL,
      ],
    },
    options,
  );
}

function withMeta(schema: Schema, options: { default?: unknown; description?: string }): Schema {
  if (options.description !== undefined) schema.description = options.description;
  if (options.default !== undefined) schema.default = options.default;
  return schema;
}
