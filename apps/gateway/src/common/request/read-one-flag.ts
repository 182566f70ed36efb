import { FieldReader } from './field-reader';
import type { FieldSpec } from './request-schema';

/**
 * One flag of a body, read by its own field spec alone, before the body is submitted (how the answer
 * is shaped: a stream, an instant `processing`); false when it is bad (the submit reports it).
 */
export function readOneFlag(body: unknown, name: string, spec: FieldSpec<boolean>): boolean {
  const fields = new FieldReader(body as Record<string, unknown>);
  const value = spec.read(fields, name, {});
  return !fields.hasErrors(name) && value;
}
