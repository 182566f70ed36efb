export { Matting } from './matting';
export { LocalMatting, WORKING_SIDE } from './local-matting';
export type { RemoveBackgroundRequest, RemovedBackground } from './local-matting';
export type { AlphaMattingOptions } from './alpha-matting';
