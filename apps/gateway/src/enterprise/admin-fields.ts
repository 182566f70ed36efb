import { ValidationError } from '../common/api-errors';
import { isUuid } from '../common/uuid';
import { coerceInteger, coerceNumber, coerceString, coerceStringList, normalizeInput } from '../common/request/coercion';
import { messages } from '../common/request/messages';


/** Reads an admin request body with the dialect's tolerance, collecting every field error. */
export class AdminFields {
  private readonly errors: Record<string, string[]> = {};

  constructor(private readonly body: Record<string, unknown>) {}

  private fail(field: string, message: string): null {
    (this.errors[field] ??= []).push(message);
    return null;
  }

  string(field: string, options: { required?: boolean; max?: number } = {}): string | null {
    const value = coerceString(normalizeInput(this.body[field]), field);
    if (!value.ok) return this.fail(field, value.error);
    if (value.value === null) return options.required ? this.fail(field, messages.required(field)) : null;
    if (value.value.length > (options.max ?? 255)) return this.fail(field, messages.maxCharacters(field, options.max ?? 255));
    return value.value;
  }

  uuid(field: string, options: { required?: boolean } = {}): string | null {
    const value = this.string(field, options);
    if (value !== null && !isUuid(value)) return this.fail(field, `The ${field.replace(/_/g, ' ')} must be a valid UUID.`);
    return value;
  }

  integer(field: string, min: number, max: number, options: { required?: boolean } = {}): number | null {
    const value = coerceInteger(normalizeInput(this.body[field]), field);
    if (!value.ok) return this.fail(field, value.error);
    if (value.value === null) return options.required ? this.fail(field, messages.required(field)) : null;
    if (value.value < min || value.value > max) return this.fail(field, messages.between(field, min, max));
    return value.value;
  }

  number(field: string, min: number, max: number, options: { required?: boolean } = {}): number | null {
    const value = coerceNumber(normalizeInput(this.body[field]), field);
    if (!value.ok) return this.fail(field, value.error);
    if (value.value === null) return options.required ? this.fail(field, messages.required(field)) : null;
    if (value.value < min || value.value > max) return this.fail(field, messages.between(field, min, max));
    return value.value;
  }

  list(field: string): string[] | null {
    const value = coerceStringList(normalizeInput(this.body[field]), field);
    if (!value.ok) return this.fail(field, value.error);
    return value.value.length ? value.value : null;
  }

  /** Throws the dialect's validation error when any field was bad. */
  done(): void {
    if (Object.keys(this.errors).length > 0) throw new ValidationError(this.errors);
  }
}
