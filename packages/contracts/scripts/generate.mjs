#!/usr/bin/env node
// Regenerates src/gen/ from proto/ (commit the result): `pnpm --filter @easel/contracts generate`.
import { cpSync, mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { genDir, generateToTemp, listFiles, packageDir, removeDir } from './codegen.mjs';

const out = await generateToTemp();
try {
  removeDir(genDir);
  mkdirSync(genDir, { recursive: true });
  cpSync(out, genDir, { recursive: true });
  const files = listFiles(genDir);
  console.log(`generated ${files.length} file(s) in ${relative(packageDir, genDir)}: ${files.join(', ')}`);
} finally {
  removeDir(out);
}
