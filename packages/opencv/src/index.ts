/** What every OpenCV.js module has; its users type the functions they call (the package's own declarations cover all of OpenCV and would only slow the typecheck). */
export interface CvModule {
  Mat: unknown;
  onRuntimeInitialized?: () => void;
}

let loading: Promise<{ cv: CvModule }> | undefined;

/**
 * OpenCV.js compiles its WASM once per thread (~0.4 s); every call after the first reuses it.
 * `T`: the caller's typed view of the part of OpenCV it uses.
 */
export function loadOpenCv<T extends object>(): Promise<{ cv: T }> {
  // Wrapped: the Emscripten module has a `then`, and a promise resolved with it (an async function
  // returning it included) would adopt it forever.
  loading ??= new Promise((resolve) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cv = require('@techstark/opencv-js') as CvModule;
    if (typeof cv.Mat === 'function') resolve({ cv });
    else cv.onRuntimeInitialized = () => resolve({ cv });
  });
  return loading as Promise<{ cv: T }>;
}
