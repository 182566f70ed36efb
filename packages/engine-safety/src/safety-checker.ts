import { DEFAULT_NSFW_THRESHOLD, NsfwClassifier, type NsfwClassification } from './classifier';
import { replaceImage, type ImageFormat, type ReplacementType } from './replace';

export interface CheckedImage {
  image: Buffer;
  nsfw: boolean;
  classification: NsfwClassification;
}

/** Classifies images and replaces those whose `nsfw` score exceeds the deployment's threshold. */
export class SafetyChecker {
  constructor(
    readonly threshold = DEFAULT_NSFW_THRESHOLD,
    private readonly classifier = new NsfwClassifier(),
  ) {
    if (!(threshold >= 0 && threshold <= 1)) throw new Error(`the NSFW threshold must be in [0, 1], not ${threshold}`);
  }

  classify(image: Buffer): Promise<NsfwClassification> {
    return this.classifier.classify(image);
  }

  isFlagged(classification: NsfwClassification): boolean {
    return classification.nsfw > this.threshold;
  }

  /** The image, or its replacement (`type`, encoded as `format`) when it is flagged. */
  async check(image: Buffer, type: ReplacementType, format: ImageFormat): Promise<CheckedImage> {
    const classification = await this.classifier.classify(image);
    const nsfw = this.isFlagged(classification);
    return { image: nsfw ? await replaceImage(image, type, format) : image, nsfw, classification };
  }

  dispose(): Promise<void> {
    return this.classifier.dispose();
  }
}
