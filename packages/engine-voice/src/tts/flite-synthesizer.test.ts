import { durationSeconds } from '../audio/speech-audio';
import { medianF0 } from '../audio/test-signals';
import { FLITE_VOICES, FliteSynthesizer } from './flite-synthesizer';
import { speechSynthesizerContract } from './speech-synthesizer.contract';

speechSynthesizerContract('FliteSynthesizer', async () => new FliteSynthesizer());

describe('FliteSynthesizer', () => {
  const flite = new FliteSynthesizer();

  it.each(FLITE_VOICES.map((v) => [v, v === 'kal' ? 8000 : 16000] as const))(
    'voice %s speaks at %i Hz',
    async (voice, rate) => {
      const audio = await flite.synthesize('Testing one two three.', { voice });
      expect(audio.sampleRate).toBe(rate);
      expect(durationSeconds(audio)).toBeGreaterThan(0.8);
    },
  );

  it('moves slt towards the asked pitch, and rms not at all', async () => {
    const low = await flite.synthesize('She sells sea shells by the sea shore.', {
      voice: 'slt',
      pitchHz: 120,
    });
    const high = await flite.synthesize('She sells sea shells by the sea shore.', {
      voice: 'slt',
      pitchHz: 240,
    });
    expect(medianF0(low)).toBeLessThan(150);
    expect(medianF0(high)).toBeGreaterThan(200);
    const rms = await flite.synthesize('She sells sea shells.', { voice: 'rms' });
    const rmsHigh = await flite.synthesize('She sells sea shells.', { voice: 'rms', pitchHz: 240 });
    expect(rmsHigh.samples).toEqual(rms.samples);
  });

  it('says a long text (past where one Flite run aborts) piece by piece', async () => {
    const sentence = 'This is a fairly long sentence that goes on. ';
    const one = durationSeconds(await flite.synthesize(sentence));
    const many = durationSeconds(await flite.synthesize(sentence.repeat(30)));
    expect(many).toBeGreaterThan(25 * one);
    expect(many).toBeLessThan(35 * one);
  });

  it('reads control characters as spaces', async () => {
    const clean = await flite.synthesize('Hello there.');
    const dirty = await flite.synthesize('Hello\u0000\u001b there.\u200b');
    expect(dirty.samples).toEqual(clean.samples);
  });
});
