/**
 * Validates rendered manifests against the Kubernetes OpenAPI schemas that the
 * `kubernetes-models` packages compile (core API groups), and against the CRD
 * schemas that `@kubernetes-models/keda` and `@kubernetes-models/prometheus-operator`
 * compile (ScaledObject, ServiceMonitor).
 *
 * Those validators check types, formats, enums and required fields, but, like the
 * OpenAPI schemas, they accept unknown fields, which the API server (strict field
 * validation) and `helm install` (client-side OpenAPI validation) reject. So every
 * object is validated through a Proxy that records which fields the compiled
 * validator reads: a validator reads each property its schema declares and walks
 * every key of a map, so a field it never touched is a field the schema does not
 * know — a typo such as `nodeselector` or a key at the wrong depth.
 */

// The packages are ESM-only; the Jest preset compiles tests to CommonJS, where a
// plain `import()` would become `require()`. This keeps a real dynamic import.
const dynamicImport = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<Record<string, unknown>>;

type Validatable = { prototype: { validate(this: unknown): void } };

/** apiVersion group -> the package that ships its models. */
function modelModule(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!/^[A-Za-z0-9]+$/.test(kind) || !version) return undefined;
  const crdPackages: Record<string, string> = {
    'keda.sh': '@kubernetes-models/keda',
    'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  };
  if (group === '') return `kubernetes-models/v1/${kind}`;
  if (crdPackages[group]) return `${crdPackages[group]}/${group}/${version}/${kind}`;
  if (/^[a-z0-9.]+$/.test(group)) return `kubernetes-models/${group}/${version}/${kind}`;
  return undefined;
}

const modelCache = new Map<string, Promise<Validatable | undefined>>();

async function loadModel(apiVersion: string, kind: string): Promise<Validatable | undefined> {
  const specifier = modelModule(apiVersion, kind);
  if (!specifier) return undefined;
  let pending = modelCache.get(specifier);
  if (!pending) {
    pending = dynamicImport(specifier).then(
      (mod) => mod[kind] as Validatable | undefined,
      () => undefined,
    );
    modelCache.set(specifier, pending);
  }
  return pending;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Wraps `value` so that every own property read (or `in` test) is recorded in `seen` as a JSON pointer. */
function track(value: unknown, path: string, seen: Set<string>): unknown {
  if (Array.isArray(value)) {
    return new Proxy(value, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver) as unknown;
        return typeof key === 'string' && /^\d+$/.test(key) ? track(v, `${path}/${key}`, seen) : v;
      },
    });
  }
  if (isObject(value)) {
    const own = (target: object, key: string | symbol) =>
      typeof key === 'string' && Object.prototype.hasOwnProperty.call(target, key);
    return new Proxy(value, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver) as unknown;
        if (!own(target, key)) return v;
        seen.add(`${path}/${String(key)}`);
        return track(v, `${path}/${String(key)}`, seen);
      },
      has(target, key) {
        if (own(target, key)) seen.add(`${path}/${String(key)}`);
        return Reflect.has(target, key);
      },
    });
  }
  return value;
}

function allFieldPaths(value: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(value)) value.forEach((v, i) => allFieldPaths(v, `${path}/${i}`, out));
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      out.push(`${path}/${k}`);
      allFieldPaths(v, `${path}/${k}`, out);
    }
  }
  return out;
}

export interface ManifestProblem {
  path: string;
  message: string;
}

/** Every problem the schema finds in one manifest; an empty list means valid. */
export async function validateManifest(obj: Record<string, unknown>): Promise<ManifestProblem[]> {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  const model = await loadModel(apiVersion, kind);
  if (!model) return [{ path: '', message: `no schema known for ${apiVersion}/${kind}: cannot validate it` }];
  const problems: ManifestProblem[] = [];
  const typeErrors: string[] = [];
  const seen = new Set<string>();
  try {
    model.prototype.validate.call(track(obj, '', seen));
  } catch (err) {
    const errors = (
      err as {
        errors?: Array<{ instancePath: string; keyword?: string; message?: string; params?: unknown }>;
      }
    ).errors;
    if (!errors) throw err;
    for (const e of errors) {
      problems.push({
        path: e.instancePath,
        message: `${e.message ?? 'invalid'} ${JSON.stringify(e.params ?? {})}`,
      });
      if (e.keyword === 'type') typeErrors.push(e.instancePath);
    }
  }
  // An unknown field is one the validator never looked at. It does not look inside
  // a value of the wrong type, and below an unknown field only the outermost counts.
  const unknown = allFieldPaths(obj, '', []).filter((p) => !seen.has(p));
  for (const p of unknown) {
    if (unknown.some((q) => q !== p && p.startsWith(`${q}/`))) continue;
    if (typeErrors.some((q) => p.startsWith(`${q}/`))) continue;
    problems.push({ path: p, message: 'unknown field (not in the schema)' });
  }
  return problems;
}
