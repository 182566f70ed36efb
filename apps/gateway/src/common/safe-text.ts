/**
 * Text PostgreSQL cannot store: NUL (refused in text and jsonb) and a UTF-16 surrogate without
 * its pair (not Unicode at all; jsonb refuses its escape). Both reach us through JSON escapes.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSAFE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isUnsafeText(value: string): boolean {
  return UNSAFE_TEXT.test(value);
}

/** A field name fit to be echoed in a message: its unsafe characters replaced by U+FFFD. */
export function printableName(name: string): string {
  return isUnsafeText(name) ? name.replace(new RegExp(UNSAFE_TEXT.source, 'g'), '\ufffd') : name;
}
