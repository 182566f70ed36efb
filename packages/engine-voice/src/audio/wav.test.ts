import { decodeAudio } from './decode-audio';
import { NotAudioError } from './not-audio-error';
import { tone } from './test-signals';
import { encodeWav } from './wav';

/** A WAV of `channels` interleaved channels written by hand, for formats encodeWav does not write. */
function handWav(format: 1 | 3, bits: number, channels: number, rate: number, frames: number[][]): Buffer {
  const bytesPer = bits / 8;
  const data = Buffer.alloc(frames.length * channels * bytesPer);
  frames.forEach((frame, i) =>
    frame.forEach((v, c) => {
      const at = (i * channels + c) * bytesPer;
      if (format === 3) data.writeFloatLE(v, at);
      else if (bits === 8) data.writeUInt8(Math.round(v * 128 + 128), at);
      else if (bits === 16) data.writeInt16LE(Math.round(v * 32768), at);
      else if (bits === 24) data.writeIntLE(Math.round(v * 8388608), at, 3);
      else data.writeInt32LE(Math.round(v * 2147483648), at);
    }),
  );
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(format, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * channels * bytesPer, 28);
  header.writeUInt16LE(channels * bytesPer, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

describe('encodeWav', () => {
  it('writes a 44-byte header for 16-bit PCM mono at the audio rate', () => {
    const wav = encodeWav(tone(16000, 0.25, 440));
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect([wav.readUInt16LE(20), wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([
      1, 1, 16000, 16,
    ]);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(4000 * 2);
    expect(wav.length).toBe(44 + 8000);
  });

  it('round-trips sample-exactly at 16-bit precision and clips what is out of range', async () => {
    const audio = tone(22050, 0.1, 300, 0.9);
    const quantised = audio.samples.map((s) => Math.round(s * 32768) / 32768 + 0); // + 0: no -0
    quantised[0] = 1.5; // clipped to 32767 / 32768
    quantised[1] = -1; // exactly representable
    const back = await decodeAudio(encodeWav({ samples: quantised, sampleRate: 22050 }));
    expect(back.sampleRate).toBe(22050);
    expect(back.samples[0]).toBe(32767 / 32768);
    expect(Array.from(back.samples.subarray(1))).toEqual(Array.from(quantised.subarray(1)));
  });
});

describe('decodeAudio (WAV)', () => {
  const frames = [
    [0.5, -0.25],
    [-0.5, 0.25],
    [0.125, 0.125],
  ];
  it.each([
    ['8-bit', 1, 8, 1 / 128],
    ['16-bit', 1, 16, 1e-4],
    ['24-bit', 1, 24, 1e-6],
    ['32-bit', 1, 32, 1e-6],
    ['float', 3, 32, 1e-7],
  ] as const)('reads %s stereo as the mean of its channels', async (_name, format, bits, tolerance) => {
    const audio = await decodeAudio(handWav(format, bits, 2, 8000, frames));
    expect(audio.sampleRate).toBe(8000);
    expect(audio.samples).toHaveLength(3);
    [0.125, -0.125, 0.125].forEach((want, i) =>
      expect(Math.abs(audio.samples[i] - want)).toBeLessThanOrEqual(tolerance),
    );
  });

  it('refuses what is not audio with NotAudioError, whose message a field name can prefix', async () => {
    for (const bytes of [
      Buffer.from('hello, this is text'),
      Buffer.from('%PDF-1.4 ...'),
      Buffer.alloc(0),
      Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    ]) {
      const failure = await decodeAudio(bytes).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(NotAudioError);
      expect(`init_audio is ${(failure as Error).message}`).toBe('init_audio is not a WAV or MP3 file');
    }
  });

  it('refuses a RIFF/WAVE header with no format or data as NotAudioError', async () => {
    const broken = Buffer.concat([
      Buffer.from('RIFF'),
      Buffer.alloc(4),
      Buffer.from('WAVEjunk'),
      Buffer.alloc(8),
    ]);
    await expect(decodeAudio(broken)).rejects.toBeInstanceOf(NotAudioError);
  });
});
