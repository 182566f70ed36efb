/** A (text, weight) run; A1111 marks BREAK as `{ text: 'BREAK', weight: -1 }`. */
export interface WeightedText {
  text: string;
  weight: number;
}

const ROUND = 1.1;
const SQUARE = 1 / 1.1;
// Same alternation order as A1111's re_attention.
const RE_ATTENTION = /\\\(|\\\)|\\\[|\\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|\]|[^\\()[\]:]+|:/g;
const RE_BREAK = /\s*\bBREAK\b\s*/;

export function isBreak(run: WeightedText): boolean {
  return run.text === 'BREAK' && run.weight === -1;
}

/** A1111's `parse_prompt_attention`: brackets, `(x:1.3)`, escapes, BREAK; adjacent equal weights merged. */
export function parsePromptAttention(prompt: string): WeightedText[] {
  const res: WeightedText[] = [];
  const round: number[] = [];
  const square: number[] = [];
  const multiplyFrom = (start: number, by: number): void => {
    for (let p = start; p < res.length; p++) res[p].weight *= by;
  };

  for (const m of prompt.matchAll(RE_ATTENTION)) {
    const text = m[0];
    const weight = m[1];
    if (text.startsWith('\\')) res.push({ text: text.slice(1), weight: 1 });
    else if (text === '(') round.push(res.length);
    else if (text === '[') square.push(res.length);
    else if (weight !== undefined && round.length > 0) multiplyFrom(round.pop() as number, Number.parseFloat(weight));
    else if (text === ')' && round.length > 0) multiplyFrom(round.pop() as number, ROUND);
    else if (text === ']' && square.length > 0) multiplyFrom(square.pop() as number, SQUARE);
    else {
      splitPy(text, RE_BREAK).forEach((part, i) => {
        if (i > 0) res.push({ text: 'BREAK', weight: -1 });
        res.push({ text: part, weight: 1 });
      });
    }
  }
  for (const pos of round) multiplyFrom(pos, ROUND);
  for (const pos of square) multiplyFrom(pos, SQUARE);

  if (res.length === 0) return [{ text: '', weight: 1 }];
  for (let i = 0; i + 1 < res.length; ) {
    if (res[i].weight === res[i + 1].weight) {
      res[i].text += res[i + 1].text;
      res.splice(i + 1, 1);
    } else i++;
  }
  return res;
}

/** Python `re.split` semantics (no capture groups). */
function splitPy(text: string, re: RegExp): string[] {
  const g = new RegExp(re.source, 'g');
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(g)) {
    const at = m.index ?? 0;
    parts.push(text.slice(last, at));
    last = at + m[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}
