import { DICTIONARIES, ENGLISH_ADJECTIVES, ENGLISH_NOUNS, type Dictionary } from './dictionaries';

/** Lower case without diacritics: the dictionaries' key form. */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

interface Token {
  text: string;
  /** An English translation (one or more words) — else the source word, kept as it was. */
  known: boolean;
}

const MAX_PHRASE_WORDS = 6;
const SIZES = new Set(['small', 'large']);
/** Words (letters, digits, apostrophes inside) and the text between them. */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

function lookup(dict: Dictionary, words: string[]): string | undefined {
  const key = words.map(foldWord).join(' ').replace(/’/g, "'");
  return words.length === 1 ? (dict.phrases[key] ?? dict.words[key]) : dict.phrases[key];
}

/** Romance order "circle red" → English "red circle": adjectives that follow a noun move before it. */
function adjectivesFirst(words: string[]): string[] {
  const out = [...words];
  for (let i = 0; i < out.length; i++) {
    if (!ENGLISH_NOUNS.has(out[i])) continue;
    let j = i + 1;
    while (j < out.length && ENGLISH_ADJECTIVES.has(out[j])) j++;
    // English puts size before colour: "large yellow star"
    const adjectives = out.slice(i + 1, j).sort((a, b) => Number(SIZES.has(b)) - Number(SIZES.has(a)));
    if (j > i + 1) out.splice(i, j - i, ...adjectives, out[i]);
    i = j - 1;
  }
  return out;
}

/** "on blue background" → "on a blue background" (German and "sur fond bleu" drop the article). */
function articleBeforeBackground(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    out.push(words[i]);
    if (words[i] !== 'on' && words[i] !== 'against') continue;
    let j = i + 1;
    while (j < words.length && ENGLISH_ADJECTIVES.has(words[j])) j++;
    if (j < words.length && words[j] === 'background' && j > i + 1) out.push('a');
  }
  return out;
}

export interface Translation {
  text: string;
  /** Source words the dictionary did not know (kept as they were). */
  unknown: string[];
  /** Source words (or phrases) that were translated. */
  translatedCount: number;
}

/**
 * Translate a prompt with one of the dictionaries: longest phrase first, word by word otherwise,
 * unknown words left as they are; then English word order (adjectives before nouns) and the
 * article of "on a … background". Punctuation between words (commas, A1111 weights) is kept; a
 * phrase never spans punctuation.
 */
export function translatePrompt(prompt: string, language: string): Translation {
  const dict = DICTIONARIES[language];
  if (!dict) return { text: prompt, unknown: [], translatedCount: 0 };
  // segments: runs of words separated by whitespace only, and the punctuation between runs
  const parts: { words: string[]; sep: string }[] = [];
  let last = 0;
  let run: string[] = [];
  for (const m of prompt.matchAll(WORD)) {
    const between = prompt.slice(last, m.index);
    if (run.length > 0 && between.trim() !== '') {
      parts.push({ words: run, sep: between });
      run = [];
    } else if (run.length === 0 && between !== '') parts.push({ words: [], sep: between });
    run.push(m[0]);
    last = m.index! + m[0].length;
  }
  parts.push({ words: run, sep: prompt.slice(last) });

  const unknown: string[] = [];
  let translatedCount = 0;
  let text = '';
  for (const { words, sep } of parts) {
    const tokens: Token[] = [];
    for (let i = 0; i < words.length; ) {
      let matched = 0;
      for (let k = Math.min(MAX_PHRASE_WORDS, words.length - i); k >= 1 && !matched; k--) {
        const en = lookup(dict, words.slice(i, i + k));
        if (en !== undefined) {
          tokens.push({ text: en, known: true });
          matched = k;
        }
      }
      if (matched) {
        translatedCount++;
        i += matched;
      } else {
        tokens.push({ text: words[i], known: false });
        if (!/^\p{N}+$/u.test(words[i])) unknown.push(words[i]);
        i++;
      }
    }
    const english = articleBeforeBackground(adjectivesFirst(tokens.flatMap((t) => t.text.split(' ').filter(Boolean))));
    text += english.join(' ') + sep;
  }
  return { text, unknown, translatedCount };
}
