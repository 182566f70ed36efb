import {
  type Coerced,
  characterCount,
  coerceBoolean,
  coerceInteger,
  coerceNumber,
  coerceString,
  coerceStringList,
  normalizeInput,
} from './coercion';
import { messages } from './messages';

/** Laravel-style: `{"prompt":["The prompt field is required."]}`. */
export type FieldErrors = Record<string, string[]>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Shared bounds of every family's requests. */
export const COMMON_LIMITS = {
  /** model, LoRA, embedding and VAE ids; track_id. */
  maxIdCharacters: 255,
  maxUrlCharacters: 2048,
  /** LoRAs or embeddings in one request. */
  maxAdapters: 8,
} as const;

/** The request body's fields, normalised on read, with the errors found so far. */
export class FieldReader {
  readonly errors: FieldErrors = {};
  private readonly body: Record<string, unknown>;

  constructor(body: unknown) {
    this.body =
      body !== null && typeof body === 'object' && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : {};
  }

  /** The field's value (trimmed; "" → null); null when absent. Only own properties count. */
  get(field: string): unknown {
    return Object.hasOwn(this.body, field) ? normalizeInput(this.body[field]) : null;
  }

  fail(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }

  hasErrors(field?: string): boolean {
    return field === undefined ? Object.keys(this.errors).length > 0 : field in this.errors;
  }

  /** The coerced value, or undefined after recording its error. */
  take<T>(field: string, coerced: Coerced<T>): T | undefined {
    if (coerced.ok) return coerced.value;
    this.fail(field, coerced.error);
    return undefined;
  }

  /** A boolean flag; unset → `fallback`. */
  flag(field: string, fallback: boolean): boolean {
    return this.take(field, coerceBoolean(this.get(field), field)) ?? fallback;
  }

  /** An integer in [min, max]; unset → `fallback`. */
  integer(field: string, range: { min: number; max: number }, fallback: number): number;
  integer(field: string, range: { min: number; max: number }, fallback: null): number | null;
  integer(field: string, range: { min: number; max: number }, fallback: number | null): number | null {
    const value = this.take(field, coerceInteger(this.get(field), field));
    if (value === undefined || value === null) return fallback;
    return this.inRange(field, value, range) ? value : fallback;
  }

  /** A number in [min, max]; unset → `fallback`. */
  number(field: string, range: { min: number; max: number }, fallback: number): number;
  number(field: string, range: { min: number; max: number }, fallback: null): number | null;
  number(field: string, range: { min: number; max: number }, fallback: number | null): number | null {
    const value = this.take(field, coerceNumber(this.get(field), field));
    if (value === undefined || value === null) return fallback;
    return this.inRange(field, value, range) ? value : fallback;
  }

  private inRange(field: string, value: number, { min, max }: { min: number; max: number }): boolean {
    if (value >= min && value <= max) return true;
    this.fail(field, messages.between(field, min, max));
    return false;
  }

  /** A string of at most `maxCharacters`; unset → null (or the required error). */
  text(field: string, maxCharacters: number, required = false): string | null {
    const value = this.take(field, coerceString(this.get(field), field));
    if (value === undefined) return null;
    if (value === null) {
      if (required) this.fail(field, messages.required(field));
      return null;
    }
    if (characterCount(value) > maxCharacters) this.fail(field, messages.maxCharacters(field, maxCharacters));
    return value;
  }

  /** One of `allowed` (any letter case), through `aliases`; unset → null. */
  choice<T extends string | null>(
    field: string,
    allowed: Record<string, T>,
    listed: readonly string[],
  ): T | null {
    const value = this.take(field, coerceString(this.get(field), field));
    if (value === undefined || value === null) return null;
    const key = value.toLowerCase();
    if (Object.hasOwn(allowed, key)) return allowed[key];
    this.fail(field, messages.oneOf(field, listed));
    return null;
  }

  /** Ids from a comma-separated list or an array: each ≤ maxIdCharacters, at most maxAdapters. */
  ids(field: string): string[] {
    const list = this.take(field, coerceStringList(this.get(field), field));
    if (list === undefined) return [];
    if (list.length > COMMON_LIMITS.maxAdapters)
      this.fail(field, messages.maxItems(field, COMMON_LIMITS.maxAdapters));
    if (list.some((id) => characterCount(id) > COMMON_LIMITS.maxIdCharacters)) {
      this.fail(field, messages.maxCharacters(field, COMMON_LIMITS.maxIdCharacters));
    }
    return list;
  }

  /** The first of `fields` the client set (for aliases); the first one when none is set. */
  firstGiven(...fields: string[]): string {
    return fields.find((field) => this.get(field) !== null) ?? fields[0];
  }
}
