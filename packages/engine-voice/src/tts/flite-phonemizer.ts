import { runFlite } from '../flite/flite-wasi';
import { arpabetToIpa } from './arpabet-ipa';
import { normalizeText, textChunks } from './text-chunks';

/** One sentence's IPA, with its closing punctuation (`.`, `?`, `!`) as espeak-ng leaves it. */
export interface PhonemizedSentence {
  text: string;
  ipa: string;
}

/**
 * English text as IPA, a sentence (or a piece of a long one) at a time, phonemized by Flite's CMU
 * lexicon and letter-to-sound rules (it expands numbers and abbreviations itself) in place of
 * espeak-ng (GPL). Words are joined by commas for Flite, which then pauses between them, so each
 * `pau` it prints marks a word boundary; words it runs together (e.g. "Mr. Smith") stay together.
 */
export async function phonemizeEnglish(text: string, maxChars = 400): Promise<PhonemizedSentence[]> {
  const sentences: PhonemizedSentence[] = [];
  for (const chunk of textChunks(normalizeText(text), maxChars, false)) {
    const words = chunk.split(' ').filter((w) => /[\p{L}\p{N}]/u.test(w));
    const { stdout } = await runFlite(['-voice', 'kal', '-ps', '-t', words.join(', ')], false);
    const ipa = arpabetToIpa(stdout.trim().split(/\s+/).filter(Boolean));
    if (!ipa) continue;
    const end = /([.?!])["')\]]*$/.exec(chunk)?.[1] ?? '.';
    sentences.push({ text: chunk, ipa: ipa + end });
  }
  return sentences;
}
