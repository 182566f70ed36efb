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
  onRuntimeInitialized?: () => void;
}

let loading: Promise<{ cv: OpenCv }> | undefined;

/** OpenCV.js compiles its WASM once per thread (~0.4 s); every call after the first reuses it. */
export function loadOpenCv(): Promise<{ cv: OpenCv }> {
  // Wrapped: the Emscripten module has a `then`, and a promise resolved with it (an async function
  // returning it included) would adopt it forever.
  loading ??= new Promise((resolve) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cv = require('@techstark/opencv-js') as OpenCv;
    if (typeof cv.Mat === 'function') resolve({ cv });
    else cv.onRuntimeInitialized = () => resolve({ cv });
  });
  return loading;
}
