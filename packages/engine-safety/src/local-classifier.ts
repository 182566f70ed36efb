import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import sharp from 'sharp';
import { loadNsfwModel, NSFW_CLASSES, NSFW_INPUT_SIDE, type NsfwClass } from './nsfw-model';

/** The classes whose probabilities add up to the `nsfw` score. */
export const UNSAFE_CLASSES: readonly NsfwClass[] = ['hentai', 'porn', 'sexy'];
export const DEFAULT_NSFW_THRESHOLD = 0.5;

export interface NsfwClassification {
  /** Softmax over nsfwjs's five classes (they sum to 1). */
  probabilities: Record<NsfwClass, number>;
  /** P(hentai) + P(porn) + P(sexy), in [0, 1]. */
  nsfw: number;
}

/** nsfwjs's preprocessing: RGB resized (bilinear) to 224×224, scaled to [0, 1]. */
async function toInput(image: Buffer): Promise<Float32Array> {
  const rgb = await sharp(image)
    .removeAlpha()
    .toColourspace('srgb')
    .resize(NSFW_INPUT_SIDE, NSFW_INPUT_SIDE, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  const input = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) input[i] = rgb[i] / 255;
  return input;
}

/**
 * nsfwjs's pretrained classifier, loaded once from the package's files, on the calling thread
 * (TensorFlow.js WASM runs synchronously): `NsfwClassifier` runs it on an engine thread.
 */
export class LocalNsfwClassifier {
  private model: Promise<GraphModel> | null = null;

  private load(): Promise<GraphModel> {
    if (!this.model) {
      this.model = loadNsfwModel();
      this.model.catch(() => (this.model = null));
    }
    return this.model;
  }

  /** Any image sharp reads → class probabilities and the `nsfw` score. */
  async classify(image: Buffer): Promise<NsfwClassification> {
    const [model, input] = await Promise.all([this.load(), toInput(image)]);
    const output = tf.tidy(() => model.predict(tf.tensor4d(input, [1, NSFW_INPUT_SIDE, NSFW_INPUT_SIDE, 3])) as tf.Tensor);
    const values = (await output.data()) as Float32Array;
    output.dispose();
    const probabilities = Object.fromEntries(NSFW_CLASSES.map((name, i) => [name, values[i]])) as Record<NsfwClass, number>;
    const nsfw = Math.min(1, UNSAFE_CLASSES.reduce((sum, name) => sum + probabilities[name], 0));
    return { probabilities, nsfw };
  }

  async dispose(): Promise<void> {
    const model = this.model;
    this.model = null;
    if (model) (await model.catch(() => null))?.dispose();
  }
}
