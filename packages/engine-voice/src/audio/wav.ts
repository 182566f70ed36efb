import { NotAudioError } from './not-audio-error';
import type { SpeechAudio } from './speech-audio';

/** The first bytes of a RIFF/WAVE file. */
export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE';
}

/**
 * 16-bit PCM mono WAV with the canonical 44-byte header. Samples are rounded to k/32768 and clipped
 * to [-32768, 32767], the same scale the decoder divides by, so 16-bit audio round-trips exactly.
 * Written here rather than by wave-codec so that it stays synchronous (wave-codec is an ES module).
 */
export function encodeWav(audio: SpeechAudio): Buffer {
  const { samples, sampleRate } = audio;
  const out = Buffer.alloc(44 + samples.length * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples.length * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28); // byte rate
  out.writeUInt16LE(2, 32); // block align
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) {
    const value = Math.round((Number.isFinite(samples[i]) ? samples[i] : 0) * 32768);
    out.writeInt16LE(Math.max(-32768, Math.min(32767, value)), 44 + i * 2);
  }
  return out;
}

/** Any PCM (8/16/24/32-bit) or float WAV; several channels are averaged to one. */
export async function decodeWav(bytes: Uint8Array): Promise<SpeechAudio> {
  const { decodeWaveToFloat32Channels } = await import('@echogarden/wave-codec');
  let decoded: { audioChannels: Float32Array[]; sampleRate: number };
  try {
    decoded = decodeWaveToFloat32Channels(bytes, true, true);
  } catch (err) {
    throw new NotAudioError(`not a readable WAV file (${(err as Error).message})`);
  }
  const channels = decoded.audioChannels;
  if (channels.length === 0 || !(decoded.sampleRate > 0)) throw new NotAudioError('a WAV file without audio');
  return { samples: downmix(channels), sampleRate: decoded.sampleRate };
}

/** The mean of the channels (one channel is returned as it is). */
export function downmix(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const length = Math.min(...channels.map((c) => c.length));
  const out = new Float32Array(length);
  for (const channel of channels) for (let i = 0; i < length; i++) out[i] += channel[i];
  for (let i = 0; i < length; i++) out[i] /= channels.length;
  return out;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}
