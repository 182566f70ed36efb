/** Builds safetensors bytes by hand for tests (F32 unless a dtype and raw bytes are given). */
export interface TestTensor {
  shape: number[];
  data: number[] | Float32Array;
  dtype?: 'F32' | 'F16' | 'BF16';
}

export function encodeSafetensors(tensors: Record<string, TestTensor>, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const dtype = t.dtype ?? 'F32';
    const values = Array.from(t.data);
    let bytes: Buffer;
    if (dtype === 'F32') bytes = Buffer.from(new Float32Array(values).buffer);
    else {
      bytes = Buffer.alloc(values.length * 2);
      values.forEach((v, i) => bytes.writeUInt16LE(dtype === 'BF16' ? bf16Bits(v) : f16Bits(v), i * 2));
    }
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  return withHeader(JSON.stringify(header), Buffer.concat(chunks));
}

export function withHeader(json: string, data: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(head.length));
  return Buffer.concat([len, head, data]);
}

function bf16Bits(v: number): number {
  const u = new Uint32Array(new Float32Array([v]).buffer)[0];
  return u >>> 16;
}

/** Exact for the values tests use (representable halves). */
function f16Bits(v: number): number {
  if (v === 0) return Object.is(v, -0) ? 0x8000 : 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const exp = Math.floor(Math.log2(a));
  if (exp < -14) return sign | Math.round(a / 2 ** -24);
  return sign | ((exp + 15) << 10) | Math.round((a / 2 ** exp - 1) * 1024);
}
