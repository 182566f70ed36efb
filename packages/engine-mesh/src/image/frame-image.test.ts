import sharp from 'sharp';
import { frameImage } from './frame-image';

const OPTIONS = { size: 64, background: 0.5, foregroundRatio: 0.85, removeBackground: true };

/** The framed view's red pixels: their bounding box. */
function redBox(rgb: Uint8Array, size: number) {
  let x0 = size, y0 = size, x1 = -1, y1 = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 3;
      if (rgb[o] > 150 && rgb[o + 1] < 100) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  return { x0, y0, x1, y1, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

describe('frameImage', () => {
  it('cuts an off-centre disc from its coloured ground, centres it at the foreground ratio on grey', async () => {
    const png = await sharp(Buffer.from('<svg width="200" height="150"><rect width="200" height="150" fill="rgb(30,60,220)"/><circle cx="150" cy="50" r="30" fill="rgb(220,30,30)"/></svg>')).png().toBuffer();
    const framed = await frameImage(png, OPTIONS);
    const box = redBox(framed.rgb, 64);
    expect(box.width).toBeGreaterThanOrEqual(52);
    expect(box.width).toBeLessThanOrEqual(56);
    expect(Math.abs((box.x0 + box.x1) / 2 - 31.5)).toBeLessThanOrEqual(1);
    expect(Math.abs((box.y0 + box.y1) / 2 - 31.5)).toBeLessThanOrEqual(1);
    expect([...framed.rgb.subarray(0, 3)]).toEqual([128, 128, 128]);
    expect(framed.pixels).toHaveLength(3 * 64 * 64);
    expect(framed.pixels[0]).toBeCloseTo(0, 5); // the grey of the training views, 0.5
    expect(framed.foregroundShare).toBeCloseTo((Math.PI * 30 * 30) / (200 * 150), 1);
  });

  it('takes the object from transparency when the picture has it, and the whole picture when asked not to cut', async () => {
    const png = await sharp(Buffer.from('<svg width="100" height="100"><rect x="10" y="40" width="30" height="20" fill="rgb(220,30,30)"/></svg>')).png().toBuffer();
    const framed = await frameImage(png, OPTIONS);
    const box = redBox(framed.rgb, 64);
    expect(box.width).toBeGreaterThanOrEqual(52);
    expect(box.height).toBeGreaterThanOrEqual(33);
    expect(box.height).toBeLessThanOrEqual(38);
    const opaque = await sharp(Buffer.from('<svg width="100" height="100"><rect width="100" height="100" fill="rgb(30,60,220)"/><rect x="40" y="40" width="20" height="20" fill="rgb(220,30,30)"/></svg>')).png().toBuffer();
    const whole = await frameImage(opaque, { ...OPTIONS, removeBackground: false });
    expect(redBox(whole.rgb, 64).width).toBeLessThan(16);
  });
});
