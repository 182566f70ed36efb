import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_PATTERN = /^esk_([A-Za-z0-9]{10})([A-Za-z0-9]{32})$/;

function randomBase62(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length; i++) {
    const byte = bytes[i % bytes.length];
    if (byte < 248) out += ALPHABET[byte % 62]; // 248 = 4·62: drop the rest to keep it uniform
    if (i >= bytes.length - 1 && out.length < length) return out + randomBase62(length - out.length);
  }
  return out;
}

export interface NewKey {
  /** The whole key: shown to its owner once, never stored. */
  key: string;
  /** Its visible, non-secret part (`esk_` + 10 characters): how the key is found and listed. */
  prefix: string;
  secretHash: string;
}

export function generateKey(): NewKey {
  const prefix = `esk_${randomBase62(10)}`;
  const key = prefix + randomBase62(32);
  return { key, prefix, secretHash: hashKey(key) };
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The prefix of a well-formed key, or null for anything that cannot be one of ours. */
export function prefixOf(key: string): string | null {
  const match = KEY_PATTERN.exec(key);
  return match ? `esk_${match[1]}` : null;
}

export function hashesMatch(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
