import { encodeGif } from './gif-file';
import { encodeH264Pcm } from './h264-pcm';
import { avcCodecString, muxMp4 } from './mp4-file';

export type VideoOutputType = 'mp4' | 'gif';

export interface EncodedVideo {
  data: Buffer;
  mimeType: string;
  /** What a `<video>` or MediaSource reads: `video/mp4; codecs="avc1.42C01E"`, or `image/gif`. */
  contentType: string;
  frames: number;
  fps: number;
  encodeMs: number;
}

/** Frames of interleaved RGB bytes (width × height) → an H.264 MP4 or an animated GIF. */
export function encodeVideo(frames: readonly Uint8Array[], width: number, height: number, fps: number, type: VideoOutputType): EncodedVideo {
  if (frames.length === 0) throw new RangeError('a video needs at least one frame');
  const t0 = performance.now();
  if (type === 'gif') {
    const data = encodeGif(frames, width, height, fps);
    return { data, mimeType: 'image/gif', contentType: 'image/gif', frames: frames.length, fps, encodeMs: performance.now() - t0 };
  }
  const stream = encodeH264Pcm(frames, width, height, fps);
  const data = muxMp4(stream, width, height, fps);
  return { data, mimeType: 'video/mp4', contentType: `video/mp4; codecs="${avcCodecString(stream)}"`, frames: frames.length, fps, encodeMs: performance.now() - t0 };
}
