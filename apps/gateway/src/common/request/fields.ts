/**
 * FieldSpec builders for the shapes every family's bodies share: each one pairs a FieldReader
 * read with the JSON Schema that documents exactly that read (same limits, same default).
 */
import { FieldReader, COMMON_LIMITS } from './field-reader';
import {
  type Schema,
  idList,
  tolerantEnum,
  tolerantFlag,
  tolerantNumber,
  tolerantString,
} from './json-schema';
import type { EarlierValues, FieldSpec } from './request-schema';
import { readImage, readTrackId, readWebhook } from './shared-fields';

interface Described {
  description?: string;
  kinds?: readonly string[];
}
type Range = { min: number; max: number };

const spec = <T>(
  schema: Schema,
  read: (fields: FieldReader, name: string, earlier: EarlierValues) => T,
  options: Described & { required?: FieldSpec<T>['required'] } = {},
): FieldSpec<T> => ({
  schema,
  read,
  ...(options.kinds ? { kinds: options.kinds } : {}),
  ...(options.required ? { required: options.required } : {}),
});

export const field = {
  /** Any field whose read or schema is its own. */
  custom: <T>(
    schema: Schema,
    read: (fields: FieldReader, name: string, earlier: EarlierValues) => T,
    options: Described & { required?: FieldSpec<T>['required'] } = {},
  ) => spec(schema, read, options),

  /** `key`: checked by the API key guard before the body is parsed; documented here. */
  key: (): FieldSpec<undefined> =>
    spec({ type: 'string', description: 'Your API key.' }, () => undefined, { required: true }),

  /** A string of at most `maxLength` characters, trimmed; blank means unset. */
  text: (
    options: Described & { maxLength: number; required?: boolean; schema?: Schema },
  ): FieldSpec<string | null> =>
    spec(
      options.schema ??
        (options.required
          ? { type: 'string', maxLength: options.maxLength, description: options.description }
          : tolerantString({ maxLength: options.maxLength, description: options.description })),
      (fields, name) => fields.text(name, options.maxLength, options.required === true),
      options,
    ),

  flag: (options: Described & { default: boolean }): FieldSpec<boolean> =>
    spec(
      tolerantFlag({ default: options.default, description: options.description }),
      (fields, name) => fields.flag(name, options.default),
      options,
    ),

  integer<D extends number | null>(
    range: Range,
    options: Described & { default: D; schema?: Partial<Parameters<typeof tolerantNumber>[0]> },
  ): FieldSpec<number | D> {
    const schema = tolerantNumber({
      integer: true,
      minimum: range.min,
      maximum: range.max,
      ...(options.default === null ? {} : { default: options.default }),
      description: options.description,
      ...options.schema,
    });
    return spec(
      schema,
      (fields, name) => fields.integer(name, range, options.default as never) as number | D,
      options,
    );
  },

  number<D extends number | null>(range: Range, options: Described & { default: D }): FieldSpec<number | D> {
    const schema = tolerantNumber({
      minimum: range.min,
      maximum: range.max,
      ...(options.default === null ? {} : { default: options.default }),
      description: options.description,
    });
    return spec(
      schema,
      (fields, name) => fields.number(name, range, options.default as never) as number | D,
      options,
    );
  },

  /** One of `allowed`'s keys in any letter case (documented as `documented`), mapped through it; unset → `fallback`. */
  choice<T extends string | null, D extends T | null>(
    allowed: Record<string, T>,
    listed: readonly string[],
    documented: readonly string[],
    options: Described & { default: D },
  ): FieldSpec<T | D> {
    const schema = tolerantEnum(documented, {
      ...(options.default === null ? {} : { default: options.default }),
      description: options.description,
    });
    return spec(schema, (fields, name) => fields.choice(name, allowed, listed) ?? options.default, options);
  },

  /** Ids from a comma-separated list or an array (models, LoRAs, embeddings). */
  ids: (options: Described): FieldSpec<string[]> =>
    spec(
      idList({
        maxItems: COMMON_LIMITS.maxAdapters,
        maxLength: COMMON_LIMITS.maxIdCharacters,
        description: options.description,
      }),
      (fields, name) => fields.ids(name),
      options,
    ),

  /**
   * An image as an http(s) URL or base64 (bare or a data URI); required where the endpoint takes it.
   * `x-easel-widget: image` tells a form (the playground) to offer a file picker for it.
   */
  image: (what: string, options: Described & { note?: string } = {}): FieldSpec<string | null> =>
    spec(
      {
        type: 'string',
        'x-easel-widget': 'image',
        description: `${what}: an http(s) URL (at most ${COMMON_LIMITS.maxUrlCharacters} characters, fetched with SSRF protection) or a base64-encoded image (bare or as a \`data:image/…;base64,\` URI).${options.note ?? ''}`,
      },
      (fields, name) => readImage(fields, name),
      { ...options, required: options.kinds ?? true },
    ),

  webhook: (): FieldSpec<string | null> =>
    spec(
      tolerantString({
        maxLength: COMMON_LIMITS.maxUrlCharacters,
        format: 'uri',
        description:
          'http(s) URL called once the job ends with the body fetch would return, signed (`Easel-Signature: t=…,v1=HMAC-SHA256`) and retried with backoff from an outbox.',
      }),
      (fields) => readWebhook(fields),
    ),

  trackId: (): FieldSpec<string | number | null> =>
    spec(
      {
        anyOf: [
          { type: 'string', maxLength: COMMON_LIMITS.maxIdCharacters },
          { type: 'number' },
          { type: 'null' },
        ],
        description: 'Echoed back in responses and webhooks as it came.',
      },
      (fields) => readTrackId(fields),
    ),

  /** Another name of `of` (read by `of`'s spec through FieldReader.firstGiven); documented only. */
  alias: (of: FieldSpec<unknown>, description: string, options: Described = {}): FieldSpec<undefined> =>
    spec({ ...of.schema, description }, () => undefined, options),
};

/** The output formats every image family writes, keyed by how clients spell them. */
export const OUTPUT_FORMATS = { png: 'png', jpeg: 'jpeg', jpg: 'jpeg', webp: 'webp' } as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[keyof typeof OUTPUT_FORMATS];

/** `output_format` (Easel's addition): png | jpeg (jpg) | webp. */
export const outputFormatField = (description: string) =>
  field.choice<OutputFormat, OutputFormat>(
    OUTPUT_FORMATS,
    ['png', 'jpeg', 'webp'],
    Object.keys(OUTPUT_FORMATS),
    { default: 'png', description },
  );
