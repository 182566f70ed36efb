#!/usr/bin/env node
// proto/onnx/onnx.proto (vendored from ONNX 1.12, Apache-2.0) → src/gen/onnx/onnx_pb.ts, offline:
// buf and protoc-gen-es are npm dev dependencies. Re-run after replacing the .proto.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(pkg, 'node_modules/.bin', name);
const template = { version: 'v2', plugins: [{ local: bin('protoc-gen-es'), out: join(pkg, 'src/gen'), opt: ['target=ts'] }] };
const r = spawnSync(bin('buf'), ['generate', join(pkg, 'proto'), '--template', JSON.stringify(template)], { cwd: pkg, encoding: 'utf8' });
if (r.status !== 0) {
  console.error(r.error?.message ?? '', r.stdout, r.stderr);
  process.exit(1);
}
console.log('generated src/gen/onnx/onnx_pb.ts');
