#!/usr/bin/env node
// Fails (exit 1) when src/gen/ is not exactly what proto/ generates now — a .proto edited
// without `generate`, or generated code edited by hand. Runs in `test`, so CI catches it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { genDir, generateToTemp, listFiles, removeDir } from './codegen.mjs';

const out = await generateToTemp();
try {
  const expected = listFiles(out);
  const actual = existsSync(genDir) ? listFiles(genDir) : [];
  const problems = [];
  for (const file of expected) {
    if (!actual.includes(file)) problems.push(`missing: src/gen/${file}`);
    else if (readFileSync(join(out, file), 'utf8') !== readFileSync(join(genDir, file), 'utf8'))
      problems.push(`differs: src/gen/${file}`);
  }
  for (const file of actual)
    if (!expected.includes(file)) problems.push(`not generated from proto/ (stale?): src/gen/${file}`);
  if (problems.length > 0) {
    console.error(`check:generated: src/gen is out of date with proto/:\n  ${problems.join('\n  ')}`);
    console.error('Run `node scripts/pnpm.mjs --filter @easel/contracts generate` and commit src/gen.');
    process.exit(1);
  }
  console.log(`check:generated: src/gen matches proto/ (${expected.length} file(s))`);
} finally {
  removeDir(out);
}
