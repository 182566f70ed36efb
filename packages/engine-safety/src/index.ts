export { NsfwClassifier, UNSAFE_CLASSES, DEFAULT_NSFW_THRESHOLD } from './classifier';
export type { NsfwClassification } from './classifier';
export { NSFW_CLASSES, NSFW_INPUT_SIDE, bundledModelHandler, nsfwjsDirectory } from './nsfw-model';
export { LocalNsfwClassifier } from './local-classifier';
export type { NsfwClass } from './nsfw-model';
export { replaceImage, PIXELATE_BLOCKS } from './replace';
export type { ReplacementType, ImageFormat } from './replace';
export { SafetyChecker } from './safety-checker';
export type { CheckedImage } from './safety-checker';
