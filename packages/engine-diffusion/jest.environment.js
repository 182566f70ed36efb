// onnxruntime-node's native binding creates typed arrays in Node's main realm, while
// onnxruntime-common (loaded inside Jest's VM context) checks `instanceof Float32Array`
// against the sandbox's constructors. Share the host's typed-array and buffer
// constructors with the sandbox so ORT outputs pass those checks in tests.
// jest-environment-node is a dependency of jest-config (pnpm does not hoist it here).
const jestConfig = require.resolve('jest-config', { paths: [require.resolve('jest')] });
const NodeEnvironment = require(require.resolve('jest-environment-node', { paths: [jestConfig] })).TestEnvironment;

const SHARED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class OrtEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) if (globalThis[name]) this.global[name] = globalThis[name];
  }
}

module.exports = OrtEnvironment;
