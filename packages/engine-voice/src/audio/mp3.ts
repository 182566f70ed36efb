import { withInfoFrame } from './mp3-info-frame';
import { NotAudioError } from './not-audio-error';
import { resample } from './resample';
import type { SpeechAudio } from './speech-audio';

/** The rates MPEG-1/2/2.5 layer III can carry (lamejs refuses others). */
const MP3_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];

export interface Mp3Options {
  /** Constant bitrate in kbit/s (default 64; a rate the sample rate's MPEG version allows). */
  bitrateKbps?: number;
}

/**
 * Mono constant-bitrate MP3 by lamejs (LGPL-3.0). Audio at a rate MP3 cannot carry is resampled
 * to the next rate up. The same samples give the same bytes (lamejs has no randomness or clock).
 * A LAME "Info" frame in front records the encoder delay and padding, so gapless decoders
 * (mpg123, ffmpeg, browsers) return exactly the encoded samples.
 */
export async function encodeMp3(audio: SpeechAudio, options: Mp3Options = {}): Promise<Buffer> {
  const { Mp3Encoder } = await import('@breezystack/lamejs');
  const rate = MP3_RATES.find((r) => r >= audio.sampleRate) ?? 48000;
  const input = rate === audio.sampleRate ? audio : resample(audio, rate);
  const kbps = options.bitrateKbps ?? 64;
  const pcm = new Int16Array(input.samples.length);
  for (let i = 0; i < pcm.length; i++) {
    const v = Math.round((Number.isFinite(input.samples[i]) ? input.samples[i] : 0) * 32768);
    pcm[i] = Math.max(-32768, Math.min(32767, v));
  }
  const encoder = new Mp3Encoder(1, rate, kbps);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < pcm.length; i += 1152 * 8)
    parts.push(encoder.encodeBuffer(pcm.subarray(i, i + 1152 * 8)));
  parts.push(encoder.flush());
  const stream = Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  return withInfoFrame(stream, pcm.length);
}

/** The first bytes of an MP3: an ID3v2 tag or an MPEG audio frame sync. */
export function isMp3(bytes: Uint8Array): boolean {
  if (bytes.length >= 3 && bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33) return true; // "ID3"
  return bytes.length >= 4 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0 && (bytes[1] & 0x06) !== 0;
}

/** MP3 (MPEG layer I/II/III) by mpg123's WebAssembly build; stereo is averaged to mono. */
export async function decodeMp3(bytes: Uint8Array): Promise<SpeechAudio> {
  const { MPEGDecoder } = await import('mpg123-decoder');
  const decoder = new MPEGDecoder({ enableGapless: true });
  await decoder.ready;
  try {
    const decoded = decoder.decode(bytes);
    if (decoded.samplesDecoded === 0 || decoded.channelData.length === 0) {
      throw new NotAudioError('an MP3 file without decodable audio');
    }
    const channels = decoded.channelData.map((c) => c.subarray(0, decoded.samplesDecoded));
    const samples = new Float32Array(channels[0].length);
    for (const c of channels) for (let i = 0; i < samples.length; i++) samples[i] += c[i] / channels.length;
    return { samples, sampleRate: decoded.sampleRate };
  } finally {
    decoder.free();
  }
}
