import { open } from 'node:fs/promises';
import { ModelLoadError } from './archive';

/** The most of a GGUF's head read to check it: the metadata of a real model (its vocabulary included) fits. */
const HEAD_BYTES = 64 * 1024 * 1024;
const STRING = 8;
const ARRAY = 9;
/** Byte sizes of GGUF's fixed-size value types, by type id. */
const SIZES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/**
 * Checks a chat upload is a GGUF model llama.cpp can take: the magic, a version it reads (2 or 3),
 * tensors, and a `general.architecture` in its metadata. What llama.cpp then makes of the
 * architecture is its own check, at the first request (a clear error naming the file).
 */
export async function verifyGguf(file: string): Promise<{ architecture: string; version: number }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await handle.read(head, 0, head.length, 0);
    return readHead(head);
  } finally {
    await handle.close();
  }
}

function readHead(b: Buffer): { architecture: string; version: number } {
  const fail = (why: string): never => {
    throw new ModelLoadError(`the llm file is not a GGUF model: ${why}`);
  };
  if (b.length < 24 || b.toString('latin1', 0, 4) !== 'GGUF') fail('it does not start with GGUF');
  const version = b.readUInt32LE(4);
  if (version !== 2 && version !== 3) fail(`GGUF version ${version} (llama.cpp reads 2 and 3)`);
  if (b.readBigUInt64LE(8) === 0n) fail('it has no tensors');
  const kvCount = Number(b.readBigUInt64LE(16));
  let at = 24;
  const need = (n: number) => {
    if (at + n > b.length) fail('its metadata is cut short');
  };
  const string = () => {
    need(8);
    const length = Number(b.readBigUInt64LE(at));
    need(8 + length);
    const value = b.toString('utf8', at + 8, at + 8 + length);
    at += 8 + length;
    return value;
  };
  const skip = (type: number): void => {
    if (type === STRING) return void string();
    if (type === ARRAY) {
      need(12);
      const inner = b.readUInt32LE(at);
      const count = Number(b.readBigUInt64LE(at + 4));
      at += 12;
      if (inner !== STRING && inner !== ARRAY && SIZES[inner] !== undefined) {
        need(count * SIZES[inner]);
        at += count * SIZES[inner];
      } else for (let i = 0; i < count; i++) skip(inner);
      return;
    }
    const bytes = SIZES[type];
    if (bytes === undefined) fail(`metadata value type ${type}`);
    need(bytes);
    at += bytes;
  };
  for (let i = 0; i < kvCount; i++) {
    const key = string();
    need(4);
    const type = b.readUInt32LE(at);
    at += 4;
    if (key === 'general.architecture' && type === STRING) return { architecture: string(), version };
    skip(type);
  }
  return fail('its metadata names no general.architecture');
}
