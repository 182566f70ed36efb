/** Boxes that hold other boxes, on the way from the file to the ones with timestamps. */
const CONTAINERS = new Set(['moov', 'trak', 'mdia']);
/** Full boxes whose body starts with creation_time and modification_time (ISO/IEC 14496-12 §8.2.2, §8.3.2, §8.4.2). */
const TIMESTAMPED = new Set(['mvhd', 'tkhd', 'mdhd']);

/**
 * Sets every creation and modification time in the file's movie, track and media headers to 0
 * ("unknown"), in place, as ffmpeg's bitexact mode does: mp4-muxer stamps the muxing time there, and
 * the same seed and request must give the same file, byte for byte.
 */
export function clearMp4Timestamps(file: Uint8Array, start = 0, end = file.length): void {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let at = start; at + 8 <= end; ) {
    let size = view.getUint32(at);
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    let header = 8;
    if (size === 1) {
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) throw new Error(`malformed MP4 box "${type}" at ${at}`);
    if (CONTAINERS.has(type)) clearMp4Timestamps(file, at + header, at + size);
    if (TIMESTAMPED.has(type)) {
      const version = file[at + header];
      file.fill(0, at + header + 4, at + header + 4 + (version === 1 ? 16 : 8));
    }
    at += size;
  }
}
