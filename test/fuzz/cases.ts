/**
 * Hostile request cases made from the request schemas /openapi.json publishes: for each job
 * endpoint, a valid body with one field replaced by a hostile value (wrong types, extremes,
 * unicode, NUL, lone surrogates, huge strings, deep nesting, private URLs), bodies missing their
 * required fields, unknown deeply nested fields, and raw bodies a JSON parser must refuse.
 * A seeded generator picks them, so a failing case can be replayed from its seed.
 */
export interface FuzzCase {
  name: string;
  path: string;
  /** A JSON body, or raw bytes sent as they are (with `contentType`). */
  body?: unknown;
  raw?: Buffer;
  contentType?: string;
}

export interface Endpoint {
  path: string;
  properties: string[];
  required: string[];
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nested = (depth: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

/** Values every field is tried with. */
export const HOSTILE_VALUES: Array<[string, unknown]> = [
  ['null', null],
  ['empty string', ''],
  ['blank', '   '],
  ['zero', 0],
  ['minus one', -1],
  ['huge number', 1e308],
  ['minus huge number', -1e308],
  ['beyond 2^53', 2 ** 53 + 2],
  ['fraction', 0.5],
  ['"NaN"', 'NaN'],
  ['"Infinity"', 'Infinity'],
  ['hex string', '0x10'],
  ['exponent string', '1e3'],
  ['true', true],
  ['false', false],
  ['"yes"', 'yes'],
  ['empty array', []],
  ['array', [1, 'two', null]],
  ['object', { a: { b: 1 } }],
  ['NUL', 'a\u0000b'],
  ['lone high surrogate', 'x\ud800y'],
  ['lone low surrogate', '\udc00'],
  ['emoji', '🎨'.repeat(300)],
  ['right-to-left and combining marks', '\u202e\u0301\u0338abc'],
  ['1 MB string', 'x'.repeat(1024 * 1024)],
  ['nested 64 deep', nested(64)],
  ['markup', '<script>alert(1)</script>'],
  ['path traversal', '../../../../etc/passwd'],
  ['metadata address', 'http://169.254.169.254/latest/meta-data/'],
  ['loopback URL', 'http://127.0.0.1:1/x.png'],
  ['IPv6 loopback URL', 'http://[::1]:1/x.png'],
  ['file URL', 'file:///etc/passwd'],
  ['truncated base64 image', 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA'],
];

/** Bodies no JSON endpoint may accept as JSON. */
export const RAW_BODIES: Array<[string, Buffer, string]> = [
  ['not JSON', Buffer.from('{"prompt": '), 'application/json'],
  [
    'not UTF-8',
    Buffer.from([0x7b, 0x22, 0x70, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    'application/json',
  ],
  ['a JSON array', Buffer.from('[1,2,3]'), 'application/json'],
  ['a JSON string', Buffer.from('"text2img"'), 'application/json'],
  ['form encoded', Buffer.from('prompt=a+red+circle'), 'application/x-www-form-urlencoded'],
  ['plain text', Buffer.from('a red circle'), 'text/plain'],
  [
    'nested 10,000 deep',
    Buffer.from(`{"key":"k","prompt":"p","x":${'['.repeat(10000)}${']'.repeat(10000)}}`),
    'application/json',
  ],
];

/**
 * `count` cases over `endpoints`, each built on `valid(path)`. The first cases are every raw
 * body and every missing required field once; the rest are random (field, value) pairs.
 */
export function generateCases(
  endpoints: Endpoint[],
  valid: (path: string) => Record<string, unknown>,
  count: number,
  seed: number,
): FuzzCase[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const cases: FuzzCase[] = [];
  for (const endpoint of endpoints) {
    const [name, raw, contentType] = pick(RAW_BODIES);
    cases.push({ name: `${endpoint.path}: ${name}`, path: endpoint.path, raw, contentType });
    for (const field of endpoint.required.filter((f) => f !== 'key')) {
      const body = valid(endpoint.path);
      delete body[field];
      cases.push({ name: `${endpoint.path}: no ${field}`, path: endpoint.path, body });
    }
    cases.push({
      name: `${endpoint.path}: unknown field nested 1,000 deep`,
      path: endpoint.path,
      body: { ...valid(endpoint.path), extra: nested(1000) },
    });
  }
  while (cases.length < count) {
    const endpoint = pick(endpoints);
    const field = pick(endpoint.properties.filter((f) => f !== 'key'));
    const [label, value] = pick(HOSTILE_VALUES);
    // A unique track id keeps the spam filter (same body within 30 s) from answering every repeat.
    cases.push({
      name: `${endpoint.path}: ${field} = ${label}`,
      path: endpoint.path,
      body: { ...valid(endpoint.path), track_id: `fuzz-${cases.length}`, [field]: value },
    });
  }
  return cases.slice(0, Math.max(count, cases.length));
}
