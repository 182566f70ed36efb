/**
 * The LAME "Info" frame: an empty MPEG frame in front of a CBR stream whose tag records how many
 * frames follow and how many samples the encoder added at the start (delay) and end (padding).
 * lamejs streams without one, so decoders would return ~1,100 extra samples at the start (69 ms at
 * 16 kHz) and up to a frame more at the end; gapless decoders (mpg123, ffmpeg) trim them with it.
 * Layout: the Xing header of Xing Technology, extended by LAME's tag (lame.sourceforge.io, "Mp3 Info Tag rev 1").
 */

const BITRATES_MPEG1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_MPEG2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};
/** Samples the encoder puts before the first input sample (LAME's ENCDELAY); decoders add their own 529. */
export const LAME_ENCODER_DELAY = 576;

interface FrameHeader {
  mpeg1: boolean;
  mono: boolean;
  sampleRate: number;
  bytes: number;
  samples: number;
}

/** Layer III frame header at `at`, or null where there is none. */
export function readFrameHeader(data: Uint8Array, at: number): FrameHeader | null {
  if (at + 4 > data.length || data[at] !== 0xff || (data[at + 1] & 0xe0) !== 0xe0) return null;
  const version = (data[at + 1] >> 3) & 3;
  const layer = (data[at + 1] >> 1) & 3;
  const bitrateIndex = data[at + 2] >> 4;
  const rateIndex = (data[at + 2] >> 2) & 3;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3)
    return null;
  const mpeg1 = version === 3;
  const kbps = (mpeg1 ? BITRATES_MPEG1 : BITRATES_MPEG2)[bitrateIndex];
  const sampleRate = RATES[version][rateIndex];
  const padding = (data[at + 2] >> 1) & 1;
  const bytes = Math.floor(((mpeg1 ? 144 : 72) * kbps * 1000) / sampleRate) + padding;
  return { mpeg1, mono: data[at + 3] >> 6 === 3, sampleRate, bytes, samples: mpeg1 ? 1152 : 576 };
}

/**
 * `stream` (CBR layer III frames, nothing else) with an Info frame in front that says it holds
 * `inputSamples` samples after LAME's encoder delay. Returns the stream unchanged if it does not parse.
 */
export function withInfoFrame(stream: Buffer, inputSamples: number): Buffer {
  const first = readFrameHeader(stream, 0);
  if (!first) return stream;
  let frames = 0;
  for (let at = 0; at < stream.length; frames++) {
    const header = readFrameHeader(stream, at);
    if (!header) return stream;
    at += header.bytes;
  }
  // The frame must hold the tag and the 190 bytes its CRC covers: pick the lowest bitrate that does.
  const table = first.mpeg1 ? BITRATES_MPEG1 : BITRATES_MPEG2;
  let index = stream[2] >> 4;
  const size = (i: number) => Math.floor(((first.mpeg1 ? 144 : 72) * table[i] * 1000) / first.sampleRate);
  while (index < 14 && size(index) < 192) index++;
  const frame = Buffer.alloc(size(index));
  frame[0] = stream[0];
  frame[1] = stream[1] | 1; // no CRC on this frame
  frame[2] = (index << 4) | (stream[2] & 0x0c); // this bitrate, the stream's rate, no padding
  frame[3] = stream[3];
  const sideInfo = first.mpeg1 ? (first.mono ? 17 : 32) : first.mono ? 9 : 17;
  const xing = 4 + sideInfo;
  frame.write('Info', xing, 'ascii');
  frame.writeUInt32BE(0x0f, xing + 4); // frames, bytes, TOC and quality present
  frame.writeUInt32BE(frames, xing + 8);
  frame.writeUInt32BE(stream.length + frame.length, xing + 12);
  for (let i = 0; i < 100; i++) frame[xing + 16 + i] = Math.floor((i * 256) / 100); // CBR: a linear seek table
  frame.writeUInt32BE(50, xing + 116);
  const lame = xing + 120;
  frame.write('LAME3.100', lame, 'ascii');
  frame[lame + 9] = 0x01; // tag revision 0, CBR
  frame[lame + 20] = Math.min(255, table[stream[2] >> 4]);
  const padding = frames * first.samples - (LAME_ENCODER_DELAY + inputSamples);
  const delays = (LAME_ENCODER_DELAY << 12) | Math.max(0, Math.min(4095, padding));
  frame[lame + 21] = delays >> 16;
  frame[lame + 22] = (delays >> 8) & 0xff;
  frame[lame + 23] = delays & 0xff;
  frame.writeUInt32BE(stream.length + frame.length, lame + 28);
  frame.writeUInt16BE(crc16(frame.subarray(0, 190)), lame + 34);
  return Buffer.concat([frame, stream]);
}

/** CRC-16 with LAME's polynomial 0x8005, reflected (CRC-16/ARC), as the tag's last field wants. */
function crc16(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}
