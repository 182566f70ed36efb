import { detect } from 'tinyld';

/**
 * The prompt's language (ISO 639-1) by tinyld, a pure-JS n-gram detector (no model download; works
 * in CommonJS, unlike franc-min and eld, and was right on short prompts where franc-min was not).
 * null when it cannot tell.
 */
export function detectLanguage(text: string): string | null {
  const lang = detect(text);
  return lang === '' ? null : lang;
}
