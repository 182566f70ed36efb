import { Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NotFoundError } from '../common/api-errors';

/** The package root, from src/playground (tests) or dist/playground (built). */
const ROOT = resolve(__dirname, '..', '..');
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The playground's static files: the page and stylesheet from web/, its scripts compiled into dist/web. */
@Injectable()
export class PlaygroundFilesService {
  page(): Promise<Buffer> {
    return readFile(join(ROOT, 'web', 'index.html'));
  }

  /** An asset by bare name (no paths: nothing else on disk is reachable). */
  async asset(name: string): Promise<{ body: Buffer; type: string }> {
    const match = /^[a-z-]+(\.js|\.css)$/.exec(name);
    if (!match) throw new NotFoundError('Not found');
    const path = match[1] === '.css' ? join(ROOT, 'web', name) : join(ROOT, 'dist', 'web', name);
    const body = await readFile(path).catch(() => {
      throw new NotFoundError('Not found');
    });
    return { body, type: TYPES[match[1]] };
  }
}
