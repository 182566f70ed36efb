export { Matting } from './matting';
export { LocalMatting, WORKING_SIDE } from './local-matting';
export type { RemoveBackgroundRequest, RemovedBackground } from './local-matting';
export type { AlphaMattingOptions } from './alpha-matting';
export { removeObject, colourMask, dilate } from './object-removal';
export type { RemoveObjectRequest, RemovedObject, Rgb } from './object-removal';
export { removeBackgroundEngineProblem, IMGLY_PACKAGE, type RemoveBackgroundEngine } from './imgly-engine';
