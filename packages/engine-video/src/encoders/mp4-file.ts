import { ArrayBufferTarget, Muxer } from 'mp4-muxer';
import type { H264Stream } from './h264-pcm';
import { clearMp4Timestamps } from './mp4-timestamps';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0').toUpperCase();

/** The RFC 6381 codec string browsers read, e.g. `avc1.42C01E`. */
export function avcCodecString(stream: Pick<H264Stream, 'profileIdc' | 'constraintFlags' | 'levelIdc'>): string {
  return `avc1.${hex2(stream.profileIdc)}${hex2(stream.constraintFlags)}${hex2(stream.levelIdc)}`;
}

/** AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3): the `avcC` box's body. */
export function avcDecoderConfig(stream: H264Stream): Uint8Array {
  const { sps, pps } = stream;
  const out = new Uint8Array(11 + sps.length + pps.length);
  out.set([1, stream.profileIdc, stream.constraintFlags, stream.levelIdc, 0xff, 0xe1, sps.length >> 8, sps.length & 0xff]);
  out.set(sps, 8);
  const at = 8 + sps.length;
  out.set([1, pps.length >> 8, pps.length & 0xff], at);
  out.set(pps, at + 3);
  return out;
}

/** A NAL unit in the MP4 sample format: a 4-byte big-endian length, then the unit. */
function lengthPrefixed(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + nal.length);
  new DataView(out.buffer).setUint32(0, nal.length);
  out.set(nal, 4);
  return out;
}

/** An H.264 stream → an MP4 file (`avc1` track, metadata first so browsers start playing at once). */
export function muxMp4(stream: H264Stream, width: number, height: number, fps: number): Buffer {
  const target = new ArrayBufferTarget();
  const muxer = new Muxer({ target, video: { codec: 'avc', width, height, frameRate: fps }, fastStart: 'in-memory', firstTimestampBehavior: 'strict' });
  const frameMicros = 1e6 / fps;
  const decoderConfig = { codec: avcCodecString(stream), codedWidth: width, codedHeight: height, description: avcDecoderConfig(stream) };
  stream.frames.forEach((nal, i) => {
    muxer.addVideoChunkRaw(lengthPrefixed(nal), 'key', Math.round(i * frameMicros), Math.round(frameMicros), i === 0 ? { decoderConfig } : undefined);
  });
  muxer.finalize();
  const file = Buffer.from(target.buffer);
  clearMp4Timestamps(file);
  return file;
}
