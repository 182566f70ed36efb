/** Text as engines read it: control characters out, runs of whitespace as one space. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The text in pieces of at most `maxChars`: whole sentences where they fit (several short ones
 * share a piece), a long sentence cut after a comma or semicolon, else between words, else
 * anywhere. Engines synthesize each piece alone (Flite's WASI build aborts past ~1 minute of audio).
 * With `pack` false every sentence stays a piece of its own (Piper speaks sentence by sentence).
 */
export function textChunks(text: string, maxChars: number, pack = true): string[] {
  const sentences = normalizeText(text).match(/[^.!?]+(?:[.!?]+["')\]]*|$)\s*/g) ?? [];
  const pieces = sentences.flatMap((s) => cut(s.trim(), maxChars)).filter((s) => /[\p{L}\p{N}]/u.test(s));
  const chunks: string[] = [];
  for (const piece of pieces) {
    const last = chunks.length - 1;
    if (pack && last >= 0 && chunks[last].length + 1 + piece.length <= maxChars) chunks[last] += ` ${piece}`;
    else chunks.push(piece);
  }
  return chunks;
}

function cut(sentence: string, maxChars: number): string[] {
  if (sentence.length <= maxChars) return [sentence];
  for (const boundary of [/[,;:]\s/g, /\s/g]) {
    let best = -1;
    for (const m of sentence.matchAll(boundary)) if (m.index + 1 <= maxChars) best = m.index + 1;
    if (best > 0) return [sentence.slice(0, best).trim(), ...cut(sentence.slice(best).trim(), maxChars)];
  }
  return [sentence.slice(0, maxChars), ...cut(sentence.slice(maxChars), maxChars)];
}
