export { encodeVideo } from './encoders/video-file';
export type { EncodedVideo, VideoOutputType } from './encoders/video-file';
export { encodeH264Pcm } from './encoders/h264-pcm';
export type { H264Stream } from './encoders/h264-pcm';
export { muxMp4, avcCodecString, avcDecoderConfig } from './encoders/mp4-file';
export { encodeGif } from './encoders/gif-file';
export { rgbToYuv420 } from './encoders/yuv420';
