import sharp from 'sharp';
import { canvasImages, composite, imageWeight, planCanvas } from './outpaint-canvas';

describe('outpaint canvas', () => {
  it('grown by sides: the image at (left, top), bands only where the canvas grew, the model drawing at ≤ 2× its native side in multiples of 64', () => {
    const plan = planCanvas(
      { width: 100, height: 80 },
      { width: 1280, height: 720 },
      { extend: { left: 20, right: 0, top: 0, bottom: 300 }, overlapWidth: 10 },
      128,
    );
    expect(plan).toMatchObject({
      width: 120,
      height: 380,
      x: 20,
      y: 0,
      scale: 1,
      bands: { left: 10, right: 0, top: 0, bottom: 10 },
      working: { width: 64, height: 256 },
    });
  });

  it('to a target size: a larger image is scaled down to fit and centred', () => {
    const plan = planCanvas(
      { width: 800, height: 400 },
      { width: 400, height: 300 },
      { extend: null, overlapWidth: 42 },
      512,
    );
    expect(plan).toMatchObject({
      x: 0,
      y: 50,
      imageWidth: 400,
      imageHeight: 200,
      scale: 0.5,
      bands: { left: 0, right: 0, top: 42, bottom: 42 },
    });
  });

  it('a canvas past 1440 is refused naming the side that grew', () => {
    expect(() =>
      planCanvas(
        { width: 1000, height: 10 },
        { width: 64, height: 64 },
        { extend: { left: 0, right: 500, top: 0, bottom: 0 }, overlapWidth: 0 },
        128,
      ),
    ).toThrow(/must not be greater than 1440; it is 1500/);
  });

  it('the composite keeps the image’s bytes past the bands and ramps into the fill inside them; the mask is white exactly where they are not kept', async () => {
    const plan = planCanvas(
      { width: 8, height: 8 },
      { width: 0, height: 0 },
      { extend: { left: 4, right: 0, top: 0, bottom: 0 }, overlapWidth: 3 },
      128,
    );
    const rgb = Buffer.alloc(8 * 8 * 3, 200);
    const fill = await sharp({
      create: { width: 12, height: 8, channels: 3, background: { r: 0, g: 0, b: 0 } },
    })
      .png()
      .toBuffer();
    const out = await composite(rgb, fill, plan);
    const at = (x: number, y: number) => out[(y * 12 + x) * 3];
    expect([at(0, 0), at(3, 4), at(4, 4), at(5, 4), at(6, 4), at(7, 4), at(11, 7)]).toEqual([
      0, 0, 29, 86, 143, 200, 200,
    ]);
    expect(imageWeight(plan, 7, 0)).toBe(1);
    const { maskImage } = await canvasImages(rgb, plan);
    const mask = await sharp(maskImage).extractChannel(0).raw().toBuffer();
    expect([...mask.subarray(0, 12)]).toEqual([255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0]);
  });
});
