// English sentences from our own word lists and templates (no corpus): varied phones, lengths
// and intonation (statements, questions, lists), deterministic for a seed.
const ADJ = ['quiet', 'yellow', 'heavy', 'bright', 'tiny', 'ancient', 'curious', 'gentle', 'rusty', 'frozen', 'noisy', 'purple', 'crooked', 'silver', 'windy', 'patient', 'hollow', 'smooth', 'brave', 'dusty'];
const NOUN = ['farmer', 'kettle', 'lantern', 'river', 'garden', 'pilot', 'teacher', 'window', 'bicycle', 'mountain', 'village', 'painter', 'bridge', 'library', 'rabbit', 'engine', 'sailor', 'market', 'orchard', 'tower', 'blanket', 'doctor', 'harbour', 'meadow'];
const NOUNS = ['boxes', 'apples', 'letters', 'candles', 'stones', 'shoes', 'maps', 'baskets', 'feathers', 'coins', 'bottles', 'pencils', 'drums', 'ribbons'];
const PAST = ['carried', 'painted', 'found', 'fixed', 'watched', 'opened', 'pushed', 'followed', 'cleaned', 'counted', 'dropped', 'chased', 'measured', 'borrowed', 'visited', 'described'];
const VERB = ['carry', 'paint', 'find', 'fix', 'watch', 'open', 'push', 'follow', 'clean', 'count', 'measure', 'borrow', 'visit', 'describe', 'check', 'move'];
const PREP = ['across', 'behind', 'beside', 'under', 'over', 'near', 'through', 'around', 'towards', 'along'];
const PLACE = ['station', 'kitchen', 'forest', 'harbour', 'museum', 'valley', 'office', 'stadium', 'island', 'cottage'];
const TIME = ['before noon', 'after dinner', 'on Tuesday', 'this morning', 'next summer', 'at midnight', 'by Friday', 'every evening', 'in April', 'tomorrow'];
const NAME = ['Anna', 'Marcus', 'Olivia', 'Peter', 'Sofia', 'Daniel', 'Grace', 'Victor', 'Helen', 'Oscar', 'Julia', 'Thomas'];
const NUMBER = ['two', 'three', 'seven', 'eleven', 'twenty', 'forty', 'a hundred', 'six', 'nine', 'fifteen'];
const ADV = ['slowly', 'carefully', 'happily', 'quickly', 'quietly', 'suddenly', 'proudly', 'gladly'];

const TEMPLATES = [
  (p) => `The ${p(ADJ)} ${p(NOUN)} ${p(PAST)} ${p(NUMBER)} ${p(ADJ)} ${p(NOUNS)} ${p(PREP)} the ${p(NOUN)} ${p(TIME)}.`,
  (p) => `${p(NAME)} will ${p(VERB)} the ${p(ADJ)} ${p(NOUN)} ${p(TIME)}.`,
  (p) => `Did you see ${p(NUMBER)} ${p(NOUNS)} near the ${p(ADJ)} ${p(PLACE)}?`,
  (p) => `Please ${p(VERB)} the ${p(NOUN)} before the ${p(PLACE)} closes.`,
  (p) => `We ${p(PAST)} the ${p(NOUN)} ${p(ADV)}, because it was ${p(ADJ)} and ${p(ADJ)}.`,
  (p) => `Why did the ${p(NOUN)} ${p(VERB)} the ${p(NOUNS)} ${p(PREP)} the ${p(PLACE)}?`,
  (p) => `${p(NAME)} and ${p(NAME)} ${p(PAST)} a ${p(ADJ)} ${p(NOUN)}, ${p(NUMBER)} ${p(NOUNS)} and a ${p(NOUN)}.`,
  (p) => `In the ${p(ADJ)} ${p(PLACE)}, the ${p(NOUN)} ${p(ADV)} ${p(PAST)} the ${p(NOUN)}.`,
  (p) => `Is the ${p(NOUN)} still ${p(ADJ)} ${p(TIME)}?`,
  (p) => `My ${p(NOUN)} ${p(PAST)} ${p(NUMBER)} ${p(NOUNS)}.`,
];

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct sentences for `seed`, none of them in `exclude`. */
export function makeSentences(count, seed, exclude = []) {
  const rand = mulberry32(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const seen = new Set(exclude);
  const out = [];
  while (out.length < count) {
    const s = TEMPLATES[out.length % TEMPLATES.length](pick);
    if (!seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  }
  return out;
}
