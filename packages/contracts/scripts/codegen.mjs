// Code generation for proto/ → src/gen/, shared by generate.mjs and check-generated.mjs.
// Offline by construction: buf and protoc-gen-es are npm dev dependencies (buf's binary
// comes from its platform optional dependency, e.g. @bufbuild/buf-linux-x64; its
// postinstall script is not needed), the template is local, and proto/ imports nothing
// from a registry. The output is run through the repository's prettier config so that
// `pnpm format` leaves it unchanged.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(packageDir, '../..');
export const protoDir = join(repoRoot, 'proto');
export const genDir = join(packageDir, 'src/gen');

const require = createRequire(join(packageDir, 'package.json'));
const bin = (name) => join(packageDir, 'node_modules/.bin', name);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: packageDir, encoding: 'utf8' });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `${[command, ...args].join(' ')} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
}

/** Every file under `dir`, as paths relative to it (sorted). */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Lint proto/ and generate its TypeScript into a fresh temporary directory; returns that directory. */
export async function generateToTemp() {
  const buf = bin('buf');
  run(buf, ['lint', protoDir]);
  const out = mkdtempSync(join(tmpdir(), 'easel-contracts-gen-'));
  const template = {
    version: 'v2',
    plugins: [{ local: bin('protoc-gen-es'), out, opt: ['target=ts'] }],
  };
  run(buf, ['generate', protoDir, '--template', JSON.stringify(template)]);

  const loaded = await import(pathToFileURL(require.resolve('prettier', { paths: [repoRoot] })).href);
  const prettier = loaded.default ?? loaded;
  for (const file of listFiles(out)) {
    const path = join(out, file);
    const options = (await prettier.resolveConfig(join(genDir, file))) ?? {};
    const formatted = await prettier.format(readFileSync(path, 'utf8'), { ...options, filepath: path });
    writeFileSync(path, formatted);
  }
  return out;
}

export const removeDir = (dir) => rmSync(dir, { recursive: true, force: true });
