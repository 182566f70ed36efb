/** Builds safetensors files for tests (the format: 8-byte little-endian header length, JSON header, raw data). */

/** safetensors bytes of F32 tensors. */
export function safetensors(tensors: Record<string, { shape: number[]; data: number[] }>): Buffer {
  const header: Record<string, unknown> = {};
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = Buffer.from(new Float32Array(t.data).buffer);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, ...chunks]);
}
