/**
 * deploy/helm/easel, rendered without Helm and validated against the Kubernetes schemas.
 *
 * Helm cannot be installed on the machines this project builds on, so the chart is
 * rendered by test/helm/renderer: Go's text/template with sprig v3 and Helm's own
 * functions, Helm's values coalescing, dependency conditions and values.schema.json
 * validation (see test/helm/renderer/README.md). Every rendered object is then
 * validated with kubernetes-models (core API), @kubernetes-models/keda (ScaledObject
 * CRD) and @kubernetes-models/prometheus-operator (ServiceMonitor CRD), unknown fields
 * included.
 *
 * The chart's dependencies (bitnami postgresql, nats, minio) are NOT vendored and Helm
 * is not here to fetch them: the parent chart is rendered with them absent
 * (`--allow-missing-dependencies`; real Helm needs `helm dependency build` first). A
 * separate test renders a copy of the chart with stand-in subcharts to show their
 * `condition:` switches.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateManifest, type ManifestProblem } from './k8s-validate';
import {
  CHART_DIR,
  RenderError,
  buildRenderer,
  copyChart,
  render,
  testRenderer,
  type RenderOutput,
  type RenderedManifest,
} from './render';

const ENTERPRISE = join(CHART_DIR, 'ci', 'enterprise-values.yaml');
const CRDS = ['keda.sh/v1alpha1', 'monitoring.coreos.com/v1'];

let scratch: string;
beforeAll(() => {
  buildRenderer(); // throws with install instructions when the Go toolchain is missing
  scratch = mkdtempSync(join(tmpdir(), 'easel-chart-'));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function writeValues(name: string, values: unknown): string {
  const file = join(scratch, `${name}.json`); // JSON is YAML: the renderer reads it as a values file
  writeFileSync(file, JSON.stringify(values));
  return file;
}

async function problemsOf(out: RenderOutput): Promise<string[]> {
  const problems: string[] = [];
  for (const m of out.manifests) {
    const found: ManifestProblem[] = await validateManifest(m.object);
    for (const p of found) problems.push(`${m.kind}/${m.name} (${m.source}) ${p.path || '/'}: ${p.message}`);
  }
  return problems;
}

const byKind = (out: RenderOutput, kind: string) => out.manifests.filter((m) => m.kind === kind);
const workers = (out: RenderOutput) =>
  byKind(out, 'Deployment').filter(
    (m) => m.object.metadata.labels['app.kubernetes.io/component'] === 'worker',
  );
const gateway = (out: RenderOutput) =>
  byKind(out, 'Deployment').find(
    (m) => m.object.metadata.labels['app.kubernetes.io/component'] === 'gateway',
  )!;
const envOf = (container: any): Record<string, any> =>
  Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

test("the renderer reproduces Helm's template behaviours (its Go tests)", () => {
  const { ok, output } = testRenderer();
  if (!ok) throw new Error(output);
  expect(output).toMatch(/^ok\s+easel-helm-render/m);
});

const cases = [
  { label: 'default values', valuesFiles: [] as string[], keda: false },
  { label: 'ci/enterprise-values.yaml', valuesFiles: [ENTERPRISE], keda: true },
];

describe.each(cases)('chart rendered with $label', ({ valuesFiles, keda }) => {
  let out: RenderOutput;
  beforeAll(() => {
    out = render(CHART_DIR, { valuesFiles, apiVersions: CRDS });
  });

  test('renders with the dependency charts absent (not vendored; `helm dependency build` fetches them)', () => {
    expect(out.missingDependencies).toEqual(['minio', 'nats', 'postgresql']);
    expect(out.manifests.length).toBeGreaterThan(10);
    expect(out.notes).toContain('Worker pools:');
  });

  test('every rendered manifest is valid against its Kubernetes / CRD schema', async () => {
    expect(await problemsOf(out)).toEqual([]);
  });

  test('one worker Deployment per enabled pool, each with its GPUs, node pool and service', () => {
    const pools = Object.entries(out.values.pools as Record<string, any>).filter(([, p]) => p.enabled);
    expect(pools.map(([, p]) => p.service)).toEqual(
      expect.arrayContaining(['diffusion', 'super_resolution']),
    );
    expect(workers(out)).toHaveLength(pools.length);
    for (const [name, pool] of pools) {
      const dep = workers(out).find((m) => m.object.metadata.labels['easel.dev/pool'] === name);
      expect(dep).toBeDefined();
      const spec = dep!.object.spec.template.spec;
      const worker = spec.containers.find((c: any) => c.name === 'worker');
      if (pool.gpu > 0) {
        expect(worker.resources.limits['nvidia.com/gpu']).toBe(pool.gpu);
        expect(worker.resources.requests['nvidia.com/gpu']).toBe(pool.gpu);
        expect(Object.keys(spec.nodeSelector).length).toBeGreaterThan(0);
        expect(spec.tolerations).toEqual(
          expect.arrayContaining([expect.objectContaining({ key: 'nvidia.com/gpu' })]),
        );
      } else {
        expect(worker.resources.limits?.['nvidia.com/gpu']).toBeUndefined();
      }
      expect(spec.nodeSelector ?? {}).toEqual(pool.nodeSelector);
      const env = envOf(worker);
      expect(env.EASEL_SERVICES).toBe(pool.service ?? name);
      expect(env.EASEL_POOL).toBe(name);
      expect(env.EASEL_ORT_PROVIDER).toBe(pool.ortProvider);
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'])
        expect(worker[probe].grpc.port).toBe(out.values.worker.grpcPort);
      // With KEDA the ScaledObject owns the replica count.
      if (keda) expect(dep!.object.spec.replicas).toBeUndefined();
      else expect(dep!.object.spec.replicas).toBe(pool.replicaCount);
    }
  });

  test("the gateway routes each service's jobs to the pools the worker Deployments pull from", () => {
    const env = envOf(gateway(out).object.spec.template.spec.containers[0]);
    const assigned = (value: string | undefined) =>
      Object.fromEntries(
        (value ?? '')
          .split(',')
          .filter(Boolean)
          .map((pair) => pair.split('=')),
      );
    const servicePools = assigned(env.EASEL_SERVICE_POOLS);
    const workerPools = workers(out).map((w) => {
      const workerEnv = envOf(w.object.spec.template.spec.containers.find((c: any) => c.name === 'worker'));
      return { service: workerEnv.EASEL_SERVICES, pool: workerEnv.EASEL_POOL };
    });
    // Every service's pool, and every pinned model's pool, is a Deployment that runs that service.
    for (const [service, pool] of Object.entries(servicePools))
      expect(workerPools).toContainEqual({ service, pool });
    for (const pool of [...Object.values(assigned(env.EASEL_MODEL_POOLS)), ...Object.values(assigned(env.EASEL_FAMILY_POOLS))])
      expect(workerPools.map((w) => w.pool)).toContain(pool);
    expect(Object.keys(servicePools).sort()).toEqual([...new Set(workerPools.map((w) => w.service))].sort());
  });

  test('the gateway serves on the configured port with /healthz and /readyz probes', () => {
    const c = gateway(out).object.spec.template.spec.containers[0];
    const port = out.values.gateway.port;
    expect(c.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: port })]);
    expect(envOf(c).PORT).toBe(String(port));
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(byKind(out, 'HorizontalPodAutoscaler')).toHaveLength(1);
    expect(byKind(out, 'PodDisruptionBudget').length).toBe(workers(out).length + 1);
  });

  test('NetworkPolicy: workers accept only the gateway and reach only DNS, NATS, PostgreSQL and S3', () => {
    const policies = byKind(out, 'NetworkPolicy');
    const workerPolicy = policies.find(
      (p) => p.object.metadata.labels['app.kubernetes.io/component'] === 'worker',
    )!;
    const spec = workerPolicy.object.spec;
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    for (const w of workers(out))
      expect(matches(spec.podSelector.matchLabels, w.object.spec.template.metadata.labels)).toBe(true);
    // Exactly one ingress rule, from the gateway's pods only.
    expect(spec.ingress).toHaveLength(1);
    expect(spec.ingress[0].from).toHaveLength(1);
    const peer = spec.ingress[0].from[0];
    expect(Object.keys(peer)).toEqual(['podSelector']);
    expect(matches(peer.podSelector.matchLabels, gateway(out).object.spec.template.metadata.labels)).toBe(
      true,
    );
    for (const w of workers(out))
      expect(matches(peer.podSelector.matchLabels, w.object.spec.template.metadata.labels)).toBe(false);
    const egressPorts = spec.egress
      .flatMap((r: any) => r.ports.map((p: any) => p.port))
      .sort((a: number, b: number) => a - b);
    expect([...new Set(egressPorts)]).toEqual(
      [53, 443, 4222, 5432, 9000].filter((p) => egressPorts.includes(p)),
    );
    expect(egressPorts).toEqual(expect.arrayContaining([53, 4222, 5432]));
    // The gateway is the one component with an ingress rule open to outside clients.
    const gwPolicy = policies.find(
      (p) => p.object.metadata.labels['app.kubernetes.io/component'] === 'gateway',
    )!;
    expect(
      matches(
        gwPolicy.object.spec.podSelector.matchLabels,
        gateway(out).object.spec.template.metadata.labels,
      ),
    ).toBe(true);
  });

  test('the migrations Job is a Helm hook running the gateway image with `migrate`', () => {
    const [job] = byKind(out, 'Job');
    expect(job.hook).toBeDefined();
    const hooks = job.object.metadata.annotations['helm.sh/hook'].split(',');
    expect(hooks).toContain('pre-upgrade');
    // Before install when the database already exists; after install when it is the bundled one.
    expect(hooks).toContain(out.values.postgresql.enabled ? 'post-install' : 'pre-install');
    const c = job.object.spec.template.spec.containers[0];
    expect(c.command).toEqual(['node', 'apps/easel/dist/main.js', 'migrate']);
    expect(c.image).toBe(gateway(out).object.spec.template.spec.containers[0].image);
    expect(Object.keys(envOf(c))).toContain('DATABASE_URL');
  });

  test('KEDA scales each pool on its JetStream consumer lag when enabled', () => {
    const scaled = byKind(out, 'ScaledObject');
    if (!keda) return expect(scaled).toHaveLength(0);
    expect(scaled).toHaveLength(workers(out).length);
    for (const so of scaled) {
      const dep = workers(out).find((w) => w.name === so.object.spec.scaleTargetRef.name)!;
      const pool = dep.object.metadata.labels['easel.dev/pool'];
      const poolValues = out.values.pools[pool];
      const [trigger] = so.object.spec.triggers;
      expect(trigger.type).toBe('nats-jetstream');
      expect(trigger.metadata.stream).toBe(
        `${out.values.jetstream.streamPrefix}${poolValues.service ?? pool}`,
      );
      expect(trigger.metadata.consumer).toBe(`pool-${pool}`);
      expect(so.object.spec.minReplicaCount).toBe(
        poolValues.scaling.scaleToZero ? 0 : poolValues.scaling.minReplicas,
      );
    }
  });
});

describe('the enterprise values', () => {
  let out: RenderOutput;
  beforeAll(() => {
    out = render(CHART_DIR, { valuesFiles: [ENTERPRISE], apiVersions: CRDS });
  });

  test('take database and S3 credentials from existing Secrets only', () => {
    expect(byKind(out, 'Secret')).toHaveLength(0);
    const refs = new Set<string>();
    for (const d of byKind(out, 'Deployment')) {
      const spec = d.object.spec.template.spec;
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        for (const e of c.env ?? [])
          if (e.valueFrom?.secretKeyRef) refs.add(`${e.name}<-${e.valueFrom.secretKeyRef.name}`);
      }
    }
    expect([...refs].sort()).toEqual(
      [
        'DATABASE_URL<-easel-database',
        'S3_ACCESS_KEY<-easel-s3',
        'S3_BUCKET<-easel-s3',
        'S3_ENDPOINT<-easel-s3',
        'S3_SECRET_KEY<-easel-s3',
      ].sort(),
    );
  });

  test('publish the gateway through an Ingress with TLS, scraped by a ServiceMonitor', () => {
    const [ing] = byKind(out, 'Ingress');
    expect(ing.object.spec.tls).toEqual([{ secretName: 'easel-tls', hosts: ['easel.corp.example'] }]);
    expect(ing.object.spec.rules[0].http.paths[0].backend.service.name).toBe(gateway(out).name);
    const [sm] = byKind(out, 'ServiceMonitor');
    expect(sm.object.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
  });

  test('sync the model store from an S3 prefix with an init container', () => {
    for (const w of workers(out)) {
      const [init] = w.object.spec.template.spec.initContainers;
      expect(envOf(init).MODELS_PREFIX).toBe('easel/models/');
      expect(
        w.object.spec.template.spec.volumes.find((v: any) => v.name === 'models').emptyDir,
      ).toBeDefined();
    }
    expect(byKind(out, 'PersistentVolumeClaim')).toHaveLength(0);
  });
});

test('a pool added in values (as the chart README shows) gets its own Deployment, PDB and ScaledObject', async () => {
  const values = writeValues('extra-pool', {
    keda: { enabled: true },
    pools: {
      'diffusion-xl': {
        enabled: true,
        service: 'diffusion',
        models: ['sdxl-base'],
        families: ['sdxl', 'flux'],
        ortProvider: 'tensorrt',
        gpu: 1,
        nodeSelector: { 'easel.dev/gpu-pool': 'h100' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        resources: { requests: { cpu: '4', memory: '24Gi' }, limits: { memory: '32Gi' } },
        scaling: { minReplicas: 0, maxReplicas: 8, scaleToZero: true, lagThreshold: 4 },
        pdb: { enabled: true, maxUnavailable: 1 },
      },
    },
  });
  const out = render(CHART_DIR, { valuesFiles: [values], apiVersions: CRDS });
  expect(await problemsOf(out)).toEqual([]);
  const named = (kind: string) => byKind(out, kind).map((m) => m.name);
  for (const kind of ['Deployment', 'PodDisruptionBudget', 'ScaledObject', 'Service'])
    expect(named(kind)).toContain('easel-worker-diffusion-xl');
  const so = byKind(out, 'ScaledObject').find((m) => m.name === 'easel-worker-diffusion-xl')!;
  expect(so.object.spec.triggers[0].metadata).toEqual(
    expect.objectContaining({ stream: 'easel-diffusion', consumer: 'pool-diffusion-xl' }),
  );
  expect(so.object.spec.minReplicaCount).toBe(0);
  const env = envOf(gateway(out).object.spec.template.spec.containers[0]);
  expect(env.EASEL_MODEL_POOLS).toBe('sdxl-base=diffusion-xl');
  expect(env.EASEL_FAMILY_POOLS).toBe('sdxl=diffusion-xl,flux=diffusion-xl');
  expect(env.EASEL_SERVICE_POOLS).toContain('diffusion=diffusion');
});

test('routing the chart cannot honour fails the render: two default pools for a service, or pinned pools only', () => {
  const twoDefaults = writeValues('two-defaults', {
    pools: {
      'diffusion-b': {
        enabled: true,
        service: 'diffusion',
        ortProvider: 'cpu',
        gpu: 0,
        pdb: { enabled: false },
      },
    },
  });
  expect(() => render(CHART_DIR, { valuesFiles: [twoDefaults] })).toThrow(
    /pools diffusion and diffusion-b both serve diffusion with no `models`/,
  );
  const pinnedOnly = writeValues('pinned-only', { pools: { upscale: { models: ['esrgan-medium'] } } });
  expect(() => render(CHART_DIR, { valuesFiles: [pinnedOnly] })).toThrow(
    /pool upscale serves super_resolution for some models only/,
  );
});

describe('the test catches a broken chart', () => {
  function brokenCopy(name: string, edit: (dir: string) => void): string {
    const dir = copyChart(join(scratch, name));
    edit(dir);
    return dir;
  }
  const appendTo = (dir: string, file: string, text: string) => {
    const p = join(dir, 'templates', file);
    writeFileSync(p, readFileSync(p, 'utf8') + text);
  };

  test('a template that does not parse fails the render', () => {
    const dir = brokenCopy('unclosed', (d) =>
      appendTo(d, 'gateway/service.yaml', '\n{{- if .Values.gateway.port }}\n'),
    );
    expect(() => render(dir)).toThrow(RenderError);
    expect(() => render(dir)).toThrow(
      /parse error at \(easel\/templates\/gateway\/service\.yaml.*unexpected EOF/,
    );
  });

  test('a template calling an unknown function fails the render', () => {
    const dir = brokenCopy('nofunc', (d) =>
      appendTo(d, 'gateway/service.yaml', '\n  # {{ .Values.gateway.port | toYml }}\n'),
    );
    expect(() => render(dir)).toThrow(/function "toYml" not defined/);
  });

  test('a template producing invalid YAML fails the render', () => {
    const dir = brokenCopy('badyaml', (d) => appendTo(d, 'gateway/service.yaml', '\n  extra: [unclosed\n'));
    expect(() => render(dir)).toThrow(/YAML parse error on easel\/templates\/gateway\/service\.yaml/);
  });

  test('a template repeating a key fails the render (the API server refuses duplicate fields)', () => {
    const dir = brokenCopy('dupkey', (d) => appendTo(d, 'gateway/service.yaml', '\n  type: NodePort\n'));
    expect(() => render(dir)).toThrow(/duplicate key|already set/);
  });

  test('a template with a misspelt key renders but fails schema validation', async () => {
    const dir = brokenCopy('selectorz', (d) => {
      const p = join(d, 'templates', 'gateway', 'deployment.yaml');
      writeFileSync(
        p,
        readFileSync(p, 'utf8').replace('  selector:\n    matchLabels:', '  selectorz:\n    matchLabels:'),
      );
    });
    const problems = await problemsOf(render(dir));
    expect(problems).toEqual([
      expect.stringMatching(/^Deployment\/easel-gateway .* \/spec: must have required property selector/),
      expect.stringMatching(/^Deployment\/easel-gateway .* \/spec\/selectorz: unknown field/),
    ]);
  });

  test('custom resources are checked against their CRD schemas too', async () => {
    const scaledObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'x' },
      spec: {
        scaleTargetRef: { name: 'x' },
        minReplicaCount: 'zero',
        triggers: [{ type: 'nats-jetstream', metadat: { stream: 's' } }],
      },
    };
    expect(await validateManifest(scaledObject)).toEqual([
      expect.objectContaining({
        path: '/spec/minReplicaCount',
        message: expect.stringMatching(/must be integer/),
      }),
      expect.objectContaining({
        path: '/spec/triggers/0',
        message: expect.stringMatching(/required property metadata/),
      }),
      expect.objectContaining({
        path: '/spec/triggers/0/metadat',
        message: expect.stringMatching(/unknown field/),
      }),
    ]);
    const serviceMonitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'x' },
      spec: { selector: {}, endpoint: [] },
    };
    expect(await validateManifest(serviceMonitor)).toEqual([
      expect.objectContaining({
        path: '/spec',
        message: expect.stringMatching(/required property endpoints/),
      }),
      expect.objectContaining({ path: '/spec/endpoint', message: expect.stringMatching(/unknown field/) }),
    ]);
    expect(await validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget' })).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/no schema known/) }),
    ]);
  });

  test('values that produce an invalid field fail validation (wrong type, misspelt key)', async () => {
    const values = writeValues('bad-affinity', {
      gateway: { affinity: { podAntiAfinity: {} } },
      pools: {
        diffusion: {
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: 'gpu-nodes' } },
        },
      },
    });
    const problems = await problemsOf(render(CHART_DIR, { valuesFiles: [values] }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /Deployment\/easel-gateway .*\/spec\/template\/spec\/affinity\/podAntiAfinity: unknown field/,
        ),
        expect.stringMatching(
          /Deployment\/easel-worker-diffusion .*requiredDuringSchedulingIgnoredDuringExecution: must be object/,
        ),
      ]),
    );
  });

  test('values.schema.json rejects typos and wrong types in the main keys', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ gateway: { replicas: 3 } }, /gateway: Additional property replicas is not allowed/],
      [
        { pools: { diffusion: { nodeselector: { a: 'b' } } } },
        /pools\.diffusion: Additional property nodeselector is not allowed/,
      ],
      [
        { pools: { video: { gpu: '1' } } },
        /pools\.video\.gpu: Invalid type\. Expected: integer, given: string/,
      ],
      [{ pools: { video: { ortProvider: 'cudaa' } } }, /pools\.video\.ortProvider/],
      // A pool of a service the image cannot run is refused, not rendered into a crash-looping Deployment.
      [
        { pools: { extra: { enabled: true, service: 'upscaler', ortProvider: 'cpu', gpu: 0 } } },
        /pools\.extra\.service/,
      ],
      [{ modelStore: { type: 'nfs' } }, /modelStore\.type/],
      [{ kedaa: { enabled: true } }, /Additional property kedaa is not allowed/],
      [{ database: { url: 'mysql://x' } }, /database\.url/],
    ];
    for (const [values, message] of cases) {
      const file = writeValues('typo', values);
      expect(() => render(CHART_DIR, { valuesFiles: [file] })).toThrow(message);
    }
  });

  test('an unusable combination of values fails with a clear message', () => {
    const file = writeValues('no-db', { postgresql: { enabled: false } });
    expect(() => render(CHART_DIR, { valuesFiles: [file] })).toThrow(
      /database: set database\.existingSecret or database\.url, or enable the bundled postgresql/,
    );
  });

  test('like Helm, the renderer refuses absent dependencies unless told they are expected to be absent', () => {
    expect(() => render(CHART_DIR, { allowMissingDependencies: false })).toThrow(
      /missing in charts\/ directory: minio, nats, postgresql/,
    );
  });
});

describe('dependency conditions', () => {
  // Stand-in charts named like the real dependencies: each renders one ConfigMap
  // from its own scoped values, so the test sees which ones the conditions enable.
  function withStubDependencies(): string {
    const dir = copyChart(join(scratch, 'with-deps'));
    for (const name of ['postgresql', 'nats', 'minio']) {
      const sub = join(dir, 'charts', name);
      mkdirSync(join(sub, 'templates'), { recursive: true });
      writeFileSync(join(sub, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`);
      writeFileSync(join(sub, 'values.yaml'), 'stub: true\n');
      writeFileSync(
        join(sub, 'templates', 'configmap.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}-stub\ndata:\n  enabled: {{ .Values.enabled | quote }}\n  stub: {{ .Values.stub | quote }}\n',
      );
    }
    return dir;
  }
  const stubs = (out: RenderOutput) =>
    out.manifests
      .filter((m: RenderedManifest) => m.source.includes('/charts/'))
      .map((m) => m.name)
      .sort();

  test('all three dependencies render by default, with their scoped values', async () => {
    const out = render(withStubDependencies(), { allowMissingDependencies: false });
    expect(out.missingDependencies).toEqual([]);
    expect(stubs(out)).toEqual(['easel-minio-stub', 'easel-nats-stub', 'easel-postgresql-stub']);
    const pg = out.manifests.find((m) => m.name === 'easel-postgresql-stub')!;
    expect(pg.object.data).toEqual({ enabled: 'true', stub: 'true' });
    expect(await problemsOf(out)).toEqual([]);
  });

  test('the enterprise values switch off postgresql and minio (bring your own) and keep nats', () => {
    const out = render(withStubDependencies(), {
      allowMissingDependencies: false,
      valuesFiles: [ENTERPRISE],
      apiVersions: CRDS,
    });
    expect(stubs(out)).toEqual(['easel-nats-stub']);
    expect(out.dependencies.filter((d) => !d.enabled).map((d) => d.reason)).toEqual([
      'condition postgresql.enabled is false',
      'condition minio.enabled is false',
    ]);
  });
});
