/**
 * The chart's dashboard and alerts speak of metrics the code really exports: every metric name in
 * the PrometheusRule's expressions and the Grafana dashboard's queries is one a running gateway
 * lists on /metrics (a histogram by its _bucket/_sum/_count series).
 */
import { join } from 'node:path';
import { startEmbeddedGateway } from '../support/embedded-gateway';
import { validateManifest } from './k8s-validate';
import { CHART_DIR, render, type RenderOutput } from './render';

const ENTERPRISE = join(CHART_DIR, 'ci', 'enterprise-values.yaml');
const CRDS = ['keda.sh/v1alpha1', 'monitoring.coreos.com/v1'];

/** Metric names in a PromQL expression: Easel's own and the process metrics prom-client exports. */
const metricsIn = (expr: string) =>
  [...expr.matchAll(/\b((?:easel|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]);

describe('dashboards and alerts', () => {
  let out: RenderOutput;
  let exported: Set<string>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    out = render(CHART_DIR, { valuesFiles: [ENTERPRISE], apiVersions: CRDS });
    const started = await startEmbeddedGateway();
    close = started.close;
    const { gateway } = started;
    const text = (await gateway.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/metrics' }))
      .body as string;
    exported = new Set<string>();
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      exported.add(name);
      if (type === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) exported.add(name + suffix);
    }
  }, 60_000);
  afterAll(() => close?.());

  const manifest = (kind: string) =>
    out.manifests.find((m) => m.kind === kind && /dashboards|easel$/.test(m.name));

  it('the PrometheusRule is valid and alerts only on exported metrics: queue age, failures, webhooks, disk, dead letters', async () => {
    const rule = out.manifests.find((m) => m.kind === 'PrometheusRule')!;
    expect(rule).toBeDefined();
    expect(await validateManifest(rule.object)).toEqual([]);
    const rules = rule.object.spec.groups.flatMap((g: any) => g.rules) as Array<{
      alert: string;
      expr: string;
    }>;
    expect(rules.map((r) => r.alert).sort()).toEqual([
      'EaselArtifactDiskLow',
      'EaselDeadLetters',
      'EaselJobFailureRate',
      'EaselQueueStale',
      'EaselWebhookBacklog',
    ]);
    for (const { alert, expr } of rules) {
      const names = metricsIn(expr);
      expect([alert, names.length > 0]).toEqual([alert, true]);
      expect([alert, names.filter((n) => !exported.has(n))]).toEqual([alert, []]);
    }
  });

  it('the Grafana dashboard ConfigMap holds a dashboard whose every query reads exported metrics', () => {
    const configMap = manifest('ConfigMap')!;
    expect(configMap.object.metadata.labels.grafana_dashboard).toBe('1');
    const dashboard = JSON.parse(configMap.object.data['easel-overview.json']);
    const queries = dashboard.panels.flatMap((p: any) =>
      p.targets.map((t: any) => ({ panel: p.title, expr: t.expr as string })),
    );
    expect(queries.length).toBeGreaterThanOrEqual(10);
    for (const { panel, expr } of queries)
      expect([panel, metricsIn(expr).filter((n) => !exported.has(n))]).toEqual([panel, []]);
    const titles = dashboard.panels.map((p: any) => p.title).join(' | ');
    for (const topic of [
      /route/,
      /[Ll]atency/,
      /Queue depth/,
      /Oldest queued/,
      /run time/,
      /[Ff]ailure/,
      /Credits .* tenant/,
      /[Ww]ebhook/,
      /free bytes/,
      /CPU/,
    ])
      expect(titles).toMatch(topic);
  });

  it('a rule naming a metric the gateway does not export would be caught', () => {
    expect(metricsIn('max(easel_queue_age_seconds) > 5').filter((n) => !exported.has(n))).toEqual([
      'easel_queue_age_seconds',
    ]);
  });
});
