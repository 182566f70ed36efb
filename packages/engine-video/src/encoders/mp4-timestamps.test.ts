import { encodeVideo } from './video-file';

describe('MP4 timestamps', () => {
  const frames = [0, 1, 2].map((k) => new Uint8Array(32 * 32 * 3).fill(40 + 60 * k));

  it('the same frames muxed at different times are the same file', () => {
    const now = jest.spyOn(Date, 'now');
    now.mockReturnValue(Date.UTC(2026, 0, 1));
    const a = encodeVideo(frames, 32, 32, 8, 'mp4').data;
    now.mockReturnValue(Date.UTC(2027, 5, 9, 12, 30));
    const b = encodeVideo(frames, 32, 32, 8, 'mp4').data;
    now.mockRestore();
    expect(a.equals(b)).toBe(true);
  });

  it('says "unknown" (0) for the movie header\'s creation and modification times', () => {
    const file = encodeVideo(frames, 32, 32, 8, 'mp4').data;
    const mvhd = file.indexOf('mvhd');
    expect(mvhd).toBeGreaterThan(0);
    expect(file.readUInt32BE(mvhd + 8)).toBe(0);
    expect(file.readUInt32BE(mvhd + 12)).toBe(0);
    // the timescale after them is left alone
    expect(file.readUInt32BE(mvhd + 16)).toBeGreaterThan(0);
  });
});
