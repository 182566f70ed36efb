import { decodeAudio } from './decode-audio';
import { encodeMp3 } from './mp3';
import { NotAudioError } from './not-audio-error';
import { correlation, rms, tone } from './test-signals';

describe('encodeMp3 / decodeAudio (MP3)', () => {
  it.each([8000, 16000, 22050, 44100])(
    'round-trips %i Hz audio with its duration and waveform',
    async (rate) => {
      // A tone that starts half-way: the onset shows whether the decoder's and encoder's delays were removed.
      const audio = tone(rate, 1.2, 330, 0.4, 740);
      audio.samples.fill(0, 0, Math.round(rate * 0.6));
      const mp3 = await encodeMp3(audio);
      expect(mp3[0]).toBe(0xff);
      const back = await decodeAudio(mp3);
      expect(back.sampleRate).toBe(rate);
      expect(Math.abs(back.samples.length - audio.samples.length) / rate).toBeLessThan(0.06);
      expect(correlation(audio.samples, back.samples)).toBeGreaterThan(0.9);
      expect(rms(back.samples.subarray(0, Math.round(rate * 0.55)))).toBeLessThan(0.01);
    },
  );

  it('gives the same bytes for the same audio, and fewer bytes at a lower bitrate', async () => {
    const audio = tone(16000, 1, 200, 0.3);
    const a = await encodeMp3(audio);
    const b = await encodeMp3({ samples: audio.samples.slice(), sampleRate: 16000 });
    expect(a.equals(b)).toBe(true);
    const small = await encodeMp3(audio, { bitrateKbps: 32 });
    expect(small.length).toBeLessThan(a.length * 0.7);
  });

  it('carries audio at a rate MP3 lacks at the next rate up', async () => {
    const back = await decodeAudio(await encodeMp3(tone(20000, 0.5, 440)));
    expect(back.sampleRate).toBe(22050);
    expect(Math.abs(back.samples.length / 22050 - 0.5)).toBeLessThan(0.06);
  });

  it('refuses bytes that look like an MPEG frame but decode to nothing', async () => {
    const fake = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(20)]);
    await expect(decodeAudio(fake)).rejects.toBeInstanceOf(NotAudioError);
  });
});
