import { medianColour, type Rgb, type RgbImage } from './image';

/** Median colour of the `border`-pixel frame of the image: the background, since objects rarely touch the edges. */
export function backgroundColour(img: RgbImage, border = 3): Rgb {
  const { width, height } = img;
  return medianColour(img, (i) => {
    const x = i % width;
    const y = (i - x) / width;
    return x < border || y < border || x >= width - border || y >= height - border;
  });
}
