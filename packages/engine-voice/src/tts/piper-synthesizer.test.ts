import { join } from 'node:path';
import { durationSeconds } from '../audio/speech-audio';
import { ARPABET_TO_IPA } from './arpabet-ipa';
import { phonemizeEnglish } from './flite-phonemizer';
import { PiperSynthesizer } from './piper-synthesizer';
import { loadPiperVoice, parsePiperConfig, phonemeIds, type PiperVoice } from './piper-voice';
import { speechSynthesizerContract } from './speech-synthesizer.contract';

const RANDOM_VOICE = join(__dirname, '../../../../models/piper-random/en_US-random-medium.onnx');

speechSynthesizerContract(
  'PiperSynthesizer (random voice, noise off)',
  async () => new PiperSynthesizer(await loadPiperVoice(RANDOM_VOICE), { noise: 'none' }),
);

describe('Piper voices', () => {
  let voice: PiperVoice;
  beforeAll(async () => {
    voice = await loadPiperVoice(RANDOM_VOICE, { intraOpNumThreads: 1 });
  });

  it('reads the voice JSON: rate, inference scales, speakers', () => {
    expect(voice.name).toBe('en_US-random-medium');
    expect(voice.config).toMatchObject({
      sampleRate: 22050,
      espeakVoice: 'en-us',
      noiseScale: 0.667,
      lengthScale: 1,
      noiseW: 0.8,
      numSpeakers: 1,
    });
    expect(new PiperSynthesizer(voice).voices()).toEqual(['en_US-random-medium']);
  });

  it('phonemizes English with Flite into IPA every symbol of which the voice knows', async () => {
    const [hello, number] = await phonemizeEnglish('Hello world. Is it 42?');
    expect(hello.ipa).toBe('həloʊ wɚld.');
    expect(number.ipa).toBe('ɪz ɪt fɔːɹtiːtuː?'); // one written word, one spoken word
    expect(phonemeIds(hello.ipa + number.ipa, voice.config.phonemeIdMap).missing).toEqual([]);
  });

  it('has an id in the random voice for every IPA symbol the ARPAbet map writes', () => {
    const symbols = new Set(Object.values(ARPABET_TO_IPA).flatMap((ipa) => Array.from(ipa)));
    expect([...symbols].filter((s) => !voice.config.phonemeIdMap[s])).toEqual([]);
  });

  it('builds ids as Piper does: ^ _ then each phoneme and a pad, then $; unknown symbols skipped', () => {
    const map = { _: [0], '^': [1], $: [2], a: [5], b: [6, 7] };
    expect(phonemeIds('ab', map)).toEqual({ ids: [1, 0, 5, 0, 6, 7, 0, 2], missing: [] });
    expect(phonemeIds('aʒ', map)).toEqual({ ids: [1, 0, 5, 0, 2], missing: ['ʒ'] });
  });

  it("scales the length with the text and with the voice's length_scale", async () => {
    const piper = new PiperSynthesizer(voice, { noise: 'none' });
    const one = durationSeconds(await piper.synthesize('Good morning to you.'));
    const three = durationSeconds(
      await piper.synthesize('Good morning to you, good morning to you, good morning to you.'),
    );
    expect(three / one).toBeGreaterThan(2.5);
    expect(three / one).toBeLessThan(3.5);
    const slow = new PiperSynthesizer(
      { ...voice, config: { ...voice.config, lengthScale: 2 } },
      { noise: 'none' },
    );
    const ratio = durationSeconds(await slow.synthesize('Good morning to you.')) / one;
    expect(ratio).toBeGreaterThan(1.7);
    expect(ratio).toBeLessThan(2.3);
  });

  it('samples noise by default, as Piper does: two runs differ', async () => {
    const piper = new PiperSynthesizer(voice);
    const a = await piper.synthesize('Hello world.');
    const b = await piper.synthesize('Hello world.');
    expect(Buffer.from(a.samples.buffer).equals(Buffer.from(b.samples.buffer))).toBe(false);
  });

  it('refuses a voice file that is not Piper-shaped or not English', () => {
    expect(() => parsePiperConfig({ phoneme_id_map: {} }, 'x.onnx.json')).toThrow(/audio.sample_rate/);
    expect(() =>
      parsePiperConfig({ audio: { sample_rate: 22050 }, phoneme_id_map: { _: [0] } }, 'x.onnx.json'),
    ).toThrow(/no "\^"/);
    const german = { ...voice, config: { ...voice.config, espeakVoice: 'de' } };
    expect(() => new PiperSynthesizer(german)).toThrow(/only English/);
  });
});
