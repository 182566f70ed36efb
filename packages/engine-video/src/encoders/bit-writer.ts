/** MSB-first bit writer for H.264 RBSPs: fixed-width fields, Exp-Golomb codes, byte alignment. */
export class BitWriter {
  private bytes: number[] = [];
  private current = 0;
  private filled = 0;

  bit(value: number): void {
    this.current = (this.current << 1) | (value & 1);
    if (++this.filled === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.filled = 0;
    }
  }

  /** u(n): `value` in `width` bits. */
  u(width: number, value: number): void {
    for (let i = width - 1; i >= 0; i--) this.bit((value >>> i) & 1);
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(value: number): void {
    const code = value + 1;
    const length = 32 - Math.clz32(code);
    this.u(length - 1, 0);
    this.u(length, code);
  }

  /** se(v): signed Exp-Golomb (k > 0 → 2k − 1, k ≤ 0 → −2k). */
  se(value: number): void {
    this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  get aligned(): boolean {
    return this.filled === 0;
  }

  /** Zero bits up to the next byte boundary (pcm_alignment_zero_bit). */
  alignZero(): void {
    while (this.filled !== 0) this.bit(0);
  }

  /** Whole bytes at a byte boundary (PCM samples). */
  bytesAligned(data: Uint8Array): void {
    if (this.filled !== 0) throw new Error('BitWriter: bytes written off a byte boundary');
    for (const b of data) this.bytes.push(b);
  }

  /** rbsp_trailing_bits: a stop bit, then zeros to the byte boundary. */
  trailing(): Uint8Array {
    this.bit(1);
    this.alignZero();
    return Uint8Array.from(this.bytes);
  }
}

/** A NAL unit from its RBSP: header byte, then the payload with emulation-prevention bytes (00 00 0x → 00 00 03 0x for x ≤ 3). */
export function nalUnit(refIdc: number, type: number, rbsp: Uint8Array): Uint8Array {
  const out: number[] = [((refIdc & 3) << 5) | (type & 31)];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}
