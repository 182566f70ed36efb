import { readFile } from 'node:fs/promises';
import { AdapterFileError } from '../errors';

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?}`,
 * then the tensor bytes (offsets relative to the end of the header). Every entry is checked against
 * the file's size before anything is read; F32, F16 and BF16 convert to Float32Array.
 */
export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  /** Byte range inside the data section. */
  begin: number;
  end: number;
}

const ITEM_SIZE: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1, U16: 2, U32: 4, U64: 8 };
/** No real adapter has a header this large; a bigger length means a corrupt or hostile file. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export class SafetensorsFile {
  private constructor(
    readonly source: string,
    private readonly data: Uint8Array,
    /** The request field that named this file (errors point at it). */
    readonly field: string,
    readonly entries: ReadonlyMap<string, SafetensorsEntry>,
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  static async read(path: string, field = 'lora_model'): Promise<SafetensorsFile> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw new AdapterFileError('adapter_file_missing', path, `Cannot read ${path}: ${(err as Error).message}`, err, field);
    }
    return SafetensorsFile.parse(bytes, path, field);
  }

  static parse(bytes: Uint8Array, source = 'safetensors buffer', field = 'lora_model'): SafetensorsFile {
    const fail = (why: string): never => {
      throw new AdapterFileError('adapter_file_corrupt', source, `${source} is not a valid safetensors file: ${why}.`, undefined, field);
    };
    if (bytes.length < 8) fail(`it has ${bytes.length} bytes, fewer than the 8-byte header length`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = view.getBigUint64(0, true);
    if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) fail(`its header length ${headerLength} exceeds the file (${bytes.length} bytes)`);
    const n = Number(headerLength);
    let header: unknown;
    try {
      header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, n).toString('utf8'));
    } catch (err) {
      fail(`its header is not JSON (${(err as Error).message})`);
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('its header is not a JSON object');
    const data = bytes.subarray(8 + n);
    const entries = new Map<string, SafetensorsEntry>();
    let metadata: Record<string, string> = {};
    for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
      if (name === '__metadata__') {
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ is not an object');
        metadata = Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
        continue;
      }
      const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      if (typeof e !== 'object' || e === null) fail(`tensor "${name}" is not an object`);
      if (typeof e.dtype !== 'string' || !(e.dtype in ITEM_SIZE)) fail(`tensor "${name}" has an unknown dtype ${JSON.stringify(e.dtype)}`);
      const dtype = e.dtype as string;
      if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor "${name}" has a malformed shape`);
      const shape = e.shape as number[];
      const off = e.data_offsets;
      if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0)) fail(`tensor "${name}" has malformed data_offsets`);
      const [begin, end] = off as [number, number];
      if (begin > end || end > data.length) fail(`tensor "${name}" spans bytes ${begin}..${end} but the data section has ${data.length}`);
      const expected = shape.reduce((a, d) => a * d, 1) * ITEM_SIZE[dtype];
      if (end - begin !== expected) fail(`tensor "${name}" (${dtype} [${shape.join(', ')}]) needs ${expected} bytes but spans ${end - begin}`);
      entries.set(name, { dtype, shape, begin, end });
    }
    return new SafetensorsFile(source, data, field, entries, metadata);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The tensor as float32 (a copy); F32, F16, BF16 and F64 only. */
  float32(name: string): { shape: number[]; data: Float32Array } {
    const e = this.entries.get(name);
    if (!e) throw new AdapterFileError('adapter_file_corrupt', this.source, `${this.source} has no tensor "${name}".`, undefined, this.field);
    const bytes = this.data.subarray(e.begin, e.end);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const count = e.shape.reduce((a, d) => a * d, 1);
    const out = new Float32Array(count);
    switch (e.dtype) {
      case 'F32':
        for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
        break;
      case 'F64':
        for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
        break;
      case 'F16':
        for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
        break;
      case 'BF16': {
        const bits = new Uint32Array(out.buffer);
        for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16;
        break;
      }
      default:
        throw new AdapterFileError('adapter_file_corrupt', this.source, `${this.source}: tensor "${name}" is ${e.dtype}; only F32, F16, BF16 and F64 tensors can be used.`, undefined, this.field);
    }
    return { shape: e.shape, data: out };
  }
}

/** IEEE 754 binary16 → number (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
