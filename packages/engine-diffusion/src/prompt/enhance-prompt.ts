import { ENGLISH_ADJECTIVES, ENGLISH_NOUNS } from './dictionaries';

/** Spellings folded into the ones the bundled model was trained on. */
const CANONICAL: Record<string, string> = { center: 'centre', colour: 'color', grey: 'gray', big: 'large', little: 'small', tiny: 'small', huge: 'large', violet: 'purple', magenta: 'pink', round: 'circle', dot: 'circle', disc: 'circle', box: 'square' };
const COLOURS = [...ENGLISH_ADJECTIVES].filter((w) => w !== 'small' && w !== 'large');
const ARTICLES = new Set(['a', 'an', 'the']);

/**
 * `enhance_prompt`: a deterministic enrichment (same input → same output; no model, no randomness)
 * that rewrites a prompt into the phrasing the bundled model's captions use:
 *
 * 1. whitespace collapsed, vocabulary words lower-cased, synonyms folded (center → centre,
 *    big → large, tiny → small, round → circle, …);
 * 2. an article before a leading bare object ("red circle …" → "a red circle …");
 * 3. a bare colour after "on" becomes a background ("… on blue" → "… on a blue background");
 * 4. position synonyms folded: upper/lower → top/bottom, "in the middle" → "in the centre".
 *
 * No style or quality words are added: the bundled model's text encoder only knows its captions'
 * words, and unknown ones blur its conditioning.
 *
 * Words outside the vocabulary are kept as they are; A1111 weights and other punctuation stay.
 */
export function enhancePrompt(prompt: string): string {
  let p = prompt.replace(/\s+/g, ' ').trim();
  p = p.replace(/\p{L}+/gu, (w) => {
    const lower = w.toLowerCase();
    const folded = CANONICAL[lower] ?? lower;
    return ENGLISH_ADJECTIVES.has(folded) || ENGLISH_NOUNS.has(folded) || folded in CANONICAL || folded === 'centre' ? folded : w;
  });
  const first = /^\p{L}+/u.exec(p)?.[0];
  if (first && !ARTICLES.has(first.toLowerCase()) && (ENGLISH_ADJECTIVES.has(first) || ENGLISH_NOUNS.has(first))) p = `a ${p}`;
  p = p.replace(new RegExp(`\\bon (?:a |an )?(${COLOURS.join('|')})(?! background)\\b(?![\\p{L}])`, 'gu'), 'on a $1 background');
  p = p.replace(/\bupper\b/gi, 'top').replace(/\blower\b/gi, 'bottom').replace(/\bin the middle\b/gi, 'in the centre');
  return p;
}
