import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';

let ready: Promise<void> | null = null;

/**
 * TensorFlow.js on its WASM backend (XNNPACK kernels; the .wasm files ship inside
 * @tensorflow/tfjs-backend-wasm and are read from node_modules — nothing is downloaded).
 */
export function ensureWasmBackend(): Promise<void> {
  ready ??= (async () => {
    if (tf.getBackend() === 'wasm') return;
    if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js WASM backend could not start');
    await tf.ready();
  })();
  return ready;
}
