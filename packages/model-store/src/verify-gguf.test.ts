import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelLoadError } from './archive';
import { verifyGguf } from './verify-gguf';

const BUNDLED = join(__dirname, '../../../models/easel-chat-tiny/easel-chat-tiny.gguf');

describe('verifyGguf', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'gguf-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const file = async (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return path;
  };

  it("reads the bundled chat model's architecture", async () => {
    await expect(verifyGguf(BUNDLED)).resolves.toEqual({ architecture: 'llama', version: 3 });
  });

  it('refuses what is not a GGUF model, saying why', async () => {
    const real = await readFile(BUNDLED);
    await expect(verifyGguf(await file('text.gguf', Buffer.from('this is not a model at all, only words')))).rejects.toThrow(/does not start with GGUF/);
    const v9 = Buffer.from(real.subarray(0, 4096));
    v9.writeUInt32LE(9, 4);
    await expect(verifyGguf(await file('v9.gguf', v9))).rejects.toThrow(/version 9/);
    await expect(verifyGguf(await file('cut.gguf', real.subarray(0, 40)))).rejects.toBeInstanceOf(ModelLoadError);
  });
});
