#!/usr/bin/env node
// proto/onnx/onnx.proto (vendored from ONNX 1.12, Apache-2.0) → src/gen/onnx/onnx_pb.ts, offline:
// buf and protoc-gen-es are npm dev dependencies. Re-run after replacing the .proto.
// `--check` (run by `test`) fails when the committed file is not what the .proto generates.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(pkg, 'node_modules/.bin', name);
const check = process.argv.includes('--check');
const out = check ? mkdtempSync(join(tmpdir(), 'easel-onnx-gen-')) : join(pkg, 'src/gen');
const template = { version: 'v2', plugins: [{ local: bin('protoc-gen-es'), out, opt: ['target=ts'] }] };
const r = spawnSync(bin('buf'), ['generate', join(pkg, 'proto'), '--template', JSON.stringify(template)], { cwd: pkg, encoding: 'utf8' });
if (r.status !== 0) {
  console.error(r.error?.message ?? '', r.stdout, r.stderr);
  process.exit(1);
}
const file = 'onnx/onnx_pb.ts';
if (check) {
  const same = readFileSync(join(out, file), 'utf8') === readFileSync(join(pkg, 'src/gen', file), 'utf8');
  rmSync(out, { recursive: true, force: true });
  if (!same) {
    console.error('src/gen/onnx/onnx_pb.ts is out of date with proto/onnx/onnx.proto: run `pnpm generate:onnx` and commit it.');
    process.exit(1);
  }
} else console.log(`generated src/gen/${file}`);
