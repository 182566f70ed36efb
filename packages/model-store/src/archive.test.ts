import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { create as tarCreate } from 'tar';
import { unpackArchive } from './archive';
import { withLyingSizes } from './test-helpers';

const MiB = 1024 * 1024;
const BOMB = { 'model_index.json': Buffer.from('{}'), 'unet/model.onnx': Buffer.alloc(8 * MiB) };

let work = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'easel-archive-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function archiveFile(name: string, bytes: Uint8Array): Promise<string> {
  const file = join(work, name);
  await writeFile(file, bytes);
  return file;
}

describe('unpackArchive', () => {
  it('unpacks a zip whose entries lie about their size when the real size fits the cap (the fixture is a valid zip)', async () => {
    const zip = await archiveFile(
      'lying-fits.zip',
      withLyingSizes(zipSync(BOMB, { level: 9 }), ['unet/model.onnx'], 10),
    );
    const dest = join(work, 'fits');
    expect(await unpackArchive(zip, dest, { maxBytes: 16 * MiB, maxFiles: 10 })).toBe(8 * MiB + 2);
    expect((await readFile(join(dest, 'unet', 'model.onnx'))).length).toBe(8 * MiB);
  });

  it('stops a zip bomb with lying headers at the cap while inflating, leaving nothing on disk', async () => {
    const zip = await archiveFile(
      'bomb.zip',
      withLyingSizes(zipSync(BOMB, { level: 9 }), ['unet/model.onnx'], 10),
    );
    const dest = join(work, 'bomb');
    await expect(unpackArchive(zip, dest, { maxBytes: MiB, maxFiles: 10 })).rejects.toThrow(
      `the archive unpacks to more than ${MiB} bytes`,
    );
    expect(existsSync(dest)).toBe(false);
  });

  it('refuses an honest zip bomb from its declared sizes', async () => {
    const zip = await archiveFile('honest-bomb.zip', zipSync(BOMB, { level: 9 }));
    const dest = join(work, 'honest-bomb');
    await expect(unpackArchive(zip, dest, { maxBytes: MiB, maxFiles: 10 })).rejects.toThrow(
      `the archive unpacks to more than ${MiB} bytes`,
    );
    expect(existsSync(dest)).toBe(false);
  });

  it('stops a gzipped tar bomb at the cap, leaving nothing on disk', async () => {
    const source = join(work, 'tar-source');
    await mkdir(join(source, 'unet'), { recursive: true });
    for (const [name, bytes] of Object.entries(BOMB)) await writeFile(join(source, name), bytes);
    const chunks: Buffer[] = [];
    for await (const c of tarCreate({ gzip: true, cwd: source, portable: true }, [
      'model_index.json',
      'unet',
    ]))
      chunks.push(c as Buffer);
    const tar = await archiveFile('bomb.tar.gz', Buffer.concat(chunks));
    const dest = join(work, 'tar-bomb');
    await expect(unpackArchive(tar, dest, { maxBytes: MiB, maxFiles: 10 })).rejects.toThrow(
      `the archive unpacks to more than ${MiB} bytes`,
    );
    expect(existsSync(dest)).toBe(false);
  });

  it('refuses a zip entry that climbs out of the destination, naming it', async () => {
    const zip = await archiveFile('escape.zip', zipSync({ '../escaped.txt': Buffer.from('x') }));
    await expect(
      unpackArchive(zip, join(work, 'escape', 'inner'), { maxBytes: MiB, maxFiles: 10 }),
    ).rejects.toThrow('the archive entry "../escaped.txt" points outside the model directory');
    expect(existsSync(join(work, 'escape', 'escaped.txt'))).toBe(false);
  });
});
