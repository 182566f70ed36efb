import { durationSeconds } from '../audio/speech-audio';
import type { SpeechSynthesizer } from './speech-synthesizer';

/**
 * What every SpeechSynthesizer does, run unchanged on each engine. `make` gives an engine that is
 * deterministic for the same text and options (Piper with noise 'none').
 */
export function speechSynthesizerContract(name: string, make: () => Promise<SpeechSynthesizer>): void {
  describe(`${name} (SpeechSynthesizer contract)`, () => {
    let engine: SpeechSynthesizer;
    beforeAll(async () => {
      engine = await make();
    });

    it('says "Hello world" in a plausible time, as finite samples in [-1, 1]', async () => {
      const audio = await engine.synthesize('Hello world.');
      expect(audio.sampleRate).toBeGreaterThanOrEqual(8000);
      expect(durationSeconds(audio)).toBeGreaterThan(0.5);
      expect(durationSeconds(audio)).toBeLessThan(5);
      expect(audio.samples.every((s) => Number.isFinite(s) && Math.abs(s) <= 1)).toBe(true);
      expect(audio.samples.some((s) => Math.abs(s) > 0.01)).toBe(true);
    });

    it('takes longer to say more', async () => {
      const short = await engine.synthesize('Good morning.');
      const long = await engine.synthesize(
        'Good morning. The weather today is cold and windy, with rain later in the afternoon.',
      );
      expect(durationSeconds(long)).toBeGreaterThan(2.5 * durationSeconds(short));
    });

    it('speaks at speed 1.5 in about two thirds of the time, and at 0.5 in about twice', async () => {
      const text = 'The quick brown fox jumps over the lazy dog near the river bank.';
      const normal = durationSeconds(await engine.synthesize(text));
      const fast = durationSeconds(await engine.synthesize(text, { speed: 1.5 }));
      const slow = durationSeconds(await engine.synthesize(text, { speed: 0.5 }));
      expect(Math.abs(fast / normal - 2 / 3) / (2 / 3)).toBeLessThan(0.15);
      expect(Math.abs(slow / normal - 2) / 2).toBeLessThan(0.15);
    });

    it('gives the same samples for the same text, voice, speed and seed', async () => {
      const voice = engine.voices()[engine.voices().length - 1];
      const a = await engine.synthesize('Same seed, same bytes.', { voice, speed: 1.2, seed: 7 });
      const b = await engine.synthesize('Same seed, same bytes.', { voice, speed: 1.2, seed: 7 });
      expect(Buffer.from(a.samples.buffer).equals(Buffer.from(b.samples.buffer))).toBe(true);
    });

    it('refuses an unknown voice, a speed out of range, empty text and an aborted signal', async () => {
      await expect(engine.synthesize('Hi.', { voice: 'nobody' })).rejects.toThrow(/voice must be one of/);
      await expect(engine.synthesize('Hi.', { speed: 0 })).rejects.toThrow(/speed must be between/);
      await expect(engine.synthesize('Hi.', { speed: Number.NaN })).rejects.toThrow(RangeError);
      await expect(engine.synthesize(' \u0007 ... ')).rejects.toThrow(/nothing to say/);
      await expect(engine.synthesize('Hi.', { signal: AbortSignal.abort() })).rejects.toThrow();
    });
  });
}
