import { loadOpenCv as loadShared } from '@easel/opencv';

/**
 * The part of OpenCV.js (@techstark/opencv-js, Apache-2.0) this engine uses, typed here: the
 * package's own declarations cover all of OpenCV and would only slow the typecheck.
 */
export interface CvMat {
  data: Uint8Array;
  rows: number;
  cols: number;
  delete(): void;
}

export interface OpenCv {
  Mat: { new (): CvMat; new (rows: number, cols: number, type: number): CvMat };
  Rect: new (x: number, y: number, width: number, height: number) => unknown;
  CV_8UC1: number;
  CV_8UC3: number;
  GC_BGD: number;
  GC_FGD: number;
  GC_PR_BGD: number;
  GC_PR_FGD: number;
  GC_INIT_WITH_MASK: number;
  grabCut(
    image: CvMat,
    mask: CvMat,
    rect: unknown,
    bgdModel: CvMat,
    fgdModel: CvMat,
    iterations: number,
    mode: number,
  ): void;
  setRNGSeed(seed: number): void;
  INPAINT_TELEA: number;
  inpaint(src: CvMat, mask: CvMat, dst: CvMat, radius: number, flags: number): void;
}

/** OpenCV.js, loaded once per thread (@easel/opencv), as this package calls it. */
export const loadOpenCv = (): Promise<{ cv: OpenCv }> => loadShared<OpenCv>();
