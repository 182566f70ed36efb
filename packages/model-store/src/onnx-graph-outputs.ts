import { open, stat, type FileHandle } from 'node:fs/promises';

/**
 * The output names of an ONNX graph, read from the file's protobuf without loading the model:
 * ModelProto.graph (field 7) → GraphProto.output (field 12, ValueInfoProto) → name (field 1).
 * Every other field — nodes and weights included — is skipped by its length, so this reads a few
 * kilobytes of a model of any size. The gateway uses it to refuse options a model cannot do
 * (self_attention needs a UNet output) before a job is queued and paid for.
 */
export async function onnxGraphOutputs(path: string): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const file = new BlockReader(handle);
    const size = (await file.stat()).size;
    const graph = await findField(file, 0, size, 7);
    if (!graph) throw new Error(`${path}: no graph in the ONNX model`);
    const names: string[] = [];
    let pos = graph.start;
    while (pos < graph.end) {
      const field = await readField(file, pos);
      if (field.number === 12 && field.wireType === 2) {
        const info = await readBytes(file, field.valueStart, field.end - field.valueStart);
        const name = nameOf(info);
        if (name !== undefined) names.push(name);
      }
      pos = field.end;
    }
    return names;
  } finally {
    await handle.close();
  }
}

/**
 * Reads through 256 KiB blocks: a graph's thousands of node headers lie in a few blocks, so the walk
 * costs a handful of reads instead of one per field (each an fs request queued on libuv's small thread
 * pool, which a busy process makes slow).
 */
class BlockReader {
  private static readonly BLOCK = 256 * 1024;
  private readonly blocks = new Map<number, Promise<Buffer>>();
  reads = 0;

  constructor(private readonly file: FileHandle) {}

  async stat() {
    return this.file.stat();
  }

  async read(target: Buffer, offset: number, length: number, pos: number): Promise<{ bytesRead: number }> {
    let copied = 0;
    while (copied < length) {
      const at = pos + copied;
      const index = Math.floor(at / BlockReader.BLOCK);
      const block = await this.block(index);
      const from = at - index * BlockReader.BLOCK;
      if (from >= block.length) break;
      copied += block.copy(target, offset + copied, from, Math.min(block.length, from + length - copied));
    }
    return { bytesRead: copied };
  }

  private block(index: number): Promise<Buffer> {
    let block = this.blocks.get(index);
    if (!block) {
      this.reads++;
      const buf = Buffer.alloc(BlockReader.BLOCK);
      block = this.file
        .read(buf, 0, buf.length, index * BlockReader.BLOCK)
        .then(({ bytesRead }) => buf.subarray(0, bytesRead));
      this.blocks.set(index, block);
    }
    return block;
  }
}

const cache = new Map<string, { key: string; outputs: Promise<string[]> }>();

/** onnxGraphOutputs, cached per file (size and modification time). */
export async function cachedOnnxGraphOutputs(path: string): Promise<string[]> {
  const s = await stat(path);
  const key = `${s.size}:${s.mtimeMs}`;
  const hit = cache.get(path);
  if (hit && hit.key === key) return hit.outputs;
  const outputs = onnxGraphOutputs(path);
  cache.set(path, { key, outputs });
  outputs.catch(() => cache.delete(path));
  return outputs;
}

interface Field {
  number: number;
  wireType: number;
  valueStart: number;
  end: number;
}

async function readBytes(file: BlockReader, pos: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await file.read(buf, 0, length, pos);
  if (bytesRead < length) throw new Error('truncated ONNX file');
  return buf;
}

function varint(buf: Buffer, offset: number): { value: number; next: number } {
  let value = 0;
  let mul = 1;
  for (let i = offset; i < buf.length && i < offset + 10; i++) {
    value += (buf[i] & 0x7f) * mul;
    mul *= 128;
    if ((buf[i] & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new Error('bad varint in ONNX file');
}

async function readField(file: BlockReader, pos: number): Promise<Field> {
  const head = Buffer.alloc(20);
  const { bytesRead } = await file.read(head, 0, 20, pos);
  const buf = head.subarray(0, bytesRead);
  const key = varint(buf, 0);
  const wireType = key.value % 8;
  const number = Math.floor(key.value / 8);
  switch (wireType) {
    case 0: {
      const v = varint(buf, key.next);
      return { number, wireType, valueStart: pos + key.next, end: pos + v.next };
    }
    case 1:
      return { number, wireType, valueStart: pos + key.next, end: pos + key.next + 8 };
    case 5:
      return { number, wireType, valueStart: pos + key.next, end: pos + key.next + 4 };
    case 2: {
      const len = varint(buf, key.next);
      return { number, wireType, valueStart: pos + len.next, end: pos + len.next + len.value };
    }
    default:
      throw new Error(`unsupported protobuf wire type ${wireType} in ONNX file`);
  }
}

async function findField(
  file: BlockReader,
  start: number,
  end: number,
  number: number,
): Promise<{ start: number; end: number } | undefined> {
  for (let pos = start; pos < end;) {
    const f = await readField(file, pos);
    if (f.number === number && f.wireType === 2) return { start: f.valueStart, end: f.end };
    pos = f.end;
  }
  return undefined;
}

function nameOf(info: Buffer): string | undefined {
  for (let pos = 0; pos < info.length;) {
    const key = varint(info, pos);
    const wireType = key.value % 8;
    if (wireType !== 2) return undefined;
    const len = varint(info, key.next);
    if (Math.floor(key.value / 8) === 1)
      return info.subarray(len.next, len.next + len.value).toString('utf8');
    pos = len.next + len.value;
  }
  return undefined;
}
