/**
 * Flite's phones (CMU's ARPAbet, lower case) as the IPA espeak-ng writes for en-us, which Piper's
 * English voices were trained on. Flite marks no stress, so no ˈ/ˌ is written; long vowels carry ː
 * as espeak writes them. `pau` is a word or phrase boundary (a space).
 */
export const ARPABET_TO_IPA: Readonly<Record<string, string>> = {
  aa: 'ɑː',
  ae: 'æ',
  ah: 'ʌ',
  ao: 'ɔː',
  aw: 'aʊ',
  ax: 'ə',
  axr: 'ɚ',
  ay: 'aɪ',
  b: 'b',
  ch: 'tʃ',
  d: 'd',
  dh: 'ð',
  dx: 'ɾ',
  eh: 'ɛ',
  el: 'əl',
  em: 'əm',
  en: 'ən',
  er: 'ɚ',
  ey: 'eɪ',
  f: 'f',
  g: 'ɡ',
  hh: 'h',
  ih: 'ɪ',
  ix: 'ɪ',
  iy: 'iː',
  jh: 'dʒ',
  k: 'k',
  l: 'l',
  m: 'm',
  n: 'n',
  ng: 'ŋ',
  nx: 'n',
  ow: 'oʊ',
  oy: 'ɔɪ',
  p: 'p',
  r: 'ɹ',
  s: 's',
  sh: 'ʃ',
  t: 't',
  th: 'θ',
  uh: 'ʊ',
  uw: 'uː',
  v: 'v',
  w: 'w',
  y: 'j',
  z: 'z',
  zh: 'ʒ',
};

/** The IPA of flite's phones, word boundaries (`pau`) as single spaces, none at the ends. */
export function arpabetToIpa(phones: readonly string[]): string {
  const words: string[] = [];
  let word = '';
  for (const phone of phones) {
    if (phone === 'pau' || phone === 'sil') {
      if (word) words.push(word);
      word = '';
      continue;
    }
    const ipa = ARPABET_TO_IPA[phone];
    if (ipa === undefined) throw new Error(`flite phone ${phone} has no IPA here`);
    word += ipa;
  }
  if (word) words.push(word);
  return words.join(' ');
}
