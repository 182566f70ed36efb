import { loadOpenCv as loadShared } from '@easel/opencv';

/**
 * The part of OpenCV.js (@techstark/opencv-js, Apache-2.0) the preprocessors use, typed here: the
 * package's own declarations cover all of OpenCV and would only slow the typecheck.
 */
export interface CvMat {
  data: Uint8Array;
  data32S: Int32Array;
  rows: number;
  cols: number;
  delete(): void;
}

export interface CvSize {
  width: number;
  height: number;
}

export interface OpenCv {
  Mat: { new (): CvMat; new (rows: number, cols: number, type: number): CvMat };
  Size: new (width: number, height: number) => CvSize;
  Point: new (x: number, y: number) => unknown;
  CV_8UC1: number;
  CV_8UC3: number;
  COLOR_RGB2GRAY: number;
  MORPH_CROSS: number;
  BORDER_DEFAULT: number;
  BORDER_CONSTANT: number;
  INTER_AREA: number;
  INTER_CUBIC: number;
  matFromArray(rows: number, cols: number, type: number, data: ArrayLike<number>): CvMat;
  cvtColor(src: CvMat, dst: CvMat, code: number): void;
  Canny(src: CvMat, dst: CvMat, low: number, high: number): void;
  getStructuringElement(shape: number, size: CvSize): CvMat;
  dilate(src: CvMat, dst: CvMat, kernel: CvMat, anchor: unknown, iterations: number, borderType: number, borderValue: unknown): void;
  morphologyDefaultBorderValue(): unknown;
  GaussianBlur(src: CvMat, dst: CvMat, size: CvSize, sigmaX: number): void;
  resize(src: CvMat, dst: CvMat, size: CvSize, fx: number, fy: number, interpolation: number): void;
  connectedComponentsWithStats(src: CvMat, labels: CvMat, stats: CvMat, centroids: CvMat, connectivity: number): number;
}

/** OpenCV.js, loaded once per thread (@easel/opencv), as this package calls it. */
export const loadOpenCv = (): Promise<{ cv: OpenCv }> => loadShared<OpenCv>();
