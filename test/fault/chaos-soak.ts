import { AdmissionLeasesRepository } from '@easel/db';
import { freePort, post } from '../e2e/helpers';
import { Cluster } from './cluster';
import { PrivateNats, PrivatePostgres } from './private-servers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SoakOptions {
  jobs: number;
  tenants: number;
  /** Requests started per second (the submitters keep this pace while faults happen). */
  rate: number;
  /** How often each fault (worker, gateway, NATS, PostgreSQL) happens in the run. */
  faultsEach: number;
  seed: number;
  /** How long to wait for every accepted job to end once submitting stopped. */
  settleMs: number;
  log: (line: string) => void;
}

export interface SoakReport {
  accepted: number;
  succeeded: number;
  failed: number;
  refused503: number;
  refusedOther: number;
  noAnswer: number;
  lost: number;
  /** Jobs the database holds whose submit got no clear answer (the gateway or the database cut off mid-request). */
  unanswered: number;
  /** Of all the soak's jobs, answered or not, those still queued or running at rest. */
  stranded: number;
  duplicated: number;
  faults: string[];
  /** Tenants whose balance is not its ledger's sum, or not its grant less its successful jobs' prices. */
  ledgerMismatches: string[];
  /** Keys whose unfinished-jobs counter is not 0 once every job ended. */
  counterMismatches: string[];
  refusals: Map<string, number>;
  /** What the gateways logged at ERROR level (a 500 answer, a failed background pass), each distinct text once, with its count. */
  gatewayErrors: Map<string, number>;
}

const CREDITS = 1_000_000;
const FAULTS = ['worker', 'gateway', 'nats', 'postgres'] as const;

/** A small deterministic generator, so a seed replays the same fault moments. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/**
 * Jobs from several tenants through two gateway replicas and two workers, on a PostgreSQL and a
 * NATS of the soak's own, while a worker, a gateway, NATS and PostgreSQL itself are restarted at
 * random moments. Then every accepted job must end (success or failed), each tenant's balance
 * must be its ledger's sum and its grant less what its successful jobs cost, no job may be
 * charged, settled or announced by webhook twice, and every key's unfinished-jobs counter is 0.
 */
export async function runChaosSoak(options: SoakOptions): Promise<SoakReport> {
  const postgres = await PrivatePostgres.start();
  const nats = await PrivateNats.start();
  const cluster = new Cluster({ postgres: postgres.url, nats: nats.url });
  const report: SoakReport = { accepted: 0, succeeded: 0, failed: 0, refused503: 0, refusedOther: 0, noAnswer: 0, lost: 0, unanswered: 0, stranded: 0, duplicated: 0, faults: [], ledgerMismatches: [], counterMismatches: [], refusals: new Map(), gatewayErrors: new Map() };
  try {
    await cluster.start();
    const replicaPort = await freePort();
    let replica = await cluster.startReplica('gateway-b', replicaPort);
    const gatewayUrls = () => [cluster.gateway.running ? cluster.url : null, replica.node.running ? replica.url : null].filter((u): u is string => u !== null);
    const keys = await createTenants(cluster, options.tenants);

    const accepted = new Map<number, number>(); // job id → tenant index
    let submitted = 0;
    const submitOne = async (n: number) => {
      const urls = gatewayUrls();
      const tenant = n % keys.length;
      if (urls.length === 0) {
        report.noAnswer++;
        return;
      }
      try {
        const { status, body } = await post(`${urls[n % urls.length]}/api/v3/text2img`, {
          key: keys[tenant], prompt: `a red circle number ${n}`, width: 64, height: 64, num_inference_steps: 1, safety_checker: 'no', seed: n, webhook: cluster.webhook,
        });
        if ((status === 200 || status === 202) && Number.isInteger(body.id) && ['processing', 'success', 'failed'].includes(body.status)) {
          accepted.set(Number(body.id), tenant);
          cluster.ledger.accepted.add(Number(body.id));
        } else if (status === 503) report.refused503++;
        else {
          report.refusedOther++;
          const shape = `HTTP ${status} ${JSON.stringify(body).replace(/"id":\d+,?/, '').slice(0, 160)}`;
          report.refusals.set(shape, (report.refusals.get(shape) ?? 0) + 1);
        }
      } catch {
        report.noAnswer++;
      }
    };

    const next = random(options.seed);
    const schedule = FAULTS.flatMap((kind) => Array.from({ length: options.faultsEach }, () => ({ kind, at: Math.floor(options.jobs * (0.1 + 0.75 * next())) }))).sort((a, b) => a.at - b.at);
    const chaos = (async () => {
      for (const fault of schedule) {
        while (submitted < fault.at) await sleep(20);
        const started = Date.now();
        if (fault.kind === 'worker') {
          const victim = cluster.workers[Math.floor(next() * cluster.workers.length)];
          await victim.kill('SIGKILL');
          cluster.workers[cluster.workers.indexOf(victim)] = await cluster.startWorker(victim.name);
        } else if (fault.kind === 'gateway') {
          if (next() < 0.5) {
            await cluster.gateway.kill('SIGKILL');
            countErrors(report.gatewayErrors, cluster.gateway.output);
            await cluster.startGateway();
          } else {
            await replica.node.kill('SIGKILL');
            countErrors(report.gatewayErrors, replica.node.output);
            replica = await cluster.startReplica('gateway-b', replicaPort);
          }
        } else if (fault.kind === 'nats') await nats.restart(300);
        else await postgres.restart(300);
        report.faults.push(`${fault.kind} at job ${fault.at} (${Date.now() - started} ms)`);
        options.log(`soak: restarted ${fault.kind} at job ${fault.at} (${Date.now() - started} ms)`);
      }
    })();

    const inFlight = new Set<Promise<void>>();
    const startedAt = Date.now();
    while (submitted < options.jobs) {
      const due = startedAt + (submitted * 1000) / options.rate;
      if (due > Date.now()) await sleep(due - Date.now());
      const request = submitOne(submitted++).finally(() => inFlight.delete(request));
      inFlight.add(request);
      if (submitted % 500 === 0) options.log(`soak: ${submitted} submitted, ${accepted.size} accepted`);
    }
    await Promise.all(inFlight);
    await chaos;
    report.accepted = accepted.size;

    const ids = [...accepted.keys()];
    const statuses = await waitForEnd(cluster, ids, options.settleMs);
    report.succeeded = [...statuses.values()].filter((s) => s === 'success').length;
    report.failed = [...statuses.values()].filter((s) => s === 'failed').length;
    report.lost = ids.length - report.succeeded - report.failed;
    // A job written by a request that got no clear answer must end too: else its credits stay held.
    const unanswered = await cluster.db.sql.query<{ id: number }>(
      "SELECT j.id FROM jobs j JOIN tenants t ON t.id = j.tenant_id WHERE t.name LIKE 'soak-%' AND NOT (j.id = ANY($1::int[]))",
      [ids],
    );
    report.unanswered = unanswered.length;
    const unansweredEnded = await waitForEnd(cluster, unanswered.map((r) => Number(r.id)), 30_000);
    report.stranded = report.lost + unanswered.length - unansweredEnded.size;

    // Webhooks: every ended job's, once (retries of one delivery share its Easel-Delivery id).
    const deadline = Date.now() + 20_000;
    while (ids.some((id) => statuses.has(id) && !cluster.ledger.webhooks.has(id)) && Date.now() < deadline) await sleep(200);
    await sleep(1_000);
    const announcedTwice = ids.filter((id) => (cluster.ledger.webhooks.get(id)?.size ?? 0) > 1);
    const settledTwice = await cluster.db.sql.query<{ id: number }>(
      `SELECT job_id AS id FROM ledger_entries WHERE job_id IS NOT NULL GROUP BY job_id
       HAVING count(*) FILTER (WHERE kind = 'hold') > 1 OR count(*) FILTER (WHERE kind IN ('capture', 'release')) > 1
       UNION SELECT job_id FROM webhook_deliveries GROUP BY job_id HAVING count(*) > 1`,
    );
    report.duplicated = new Set([...announcedTwice, ...settledTwice.map((r) => Number(r.id))]).size;

    // At rest: the gateways stop (closing their leases); a lease of a replica killed meanwhile is closed as expired.
    await Promise.all([cluster.gateway.kill('SIGTERM'), replica.node.kill('SIGTERM')]);
    for (const gateway of [cluster.gateway, replica.node]) countErrors(report.gatewayErrors, gateway.output);
    await cluster.db.sql.query('UPDATE admission_leases SET expires_at = now()');
    await new AdmissionLeasesRepository(cluster.db.prisma, cluster.db.sql).closeExpired();
    report.ledgerMismatches = await ledgerMismatches(cluster);
    const counters = await cluster.db.sql.query<{ prefix: string; unfinished_jobs: number }>('SELECT prefix, unfinished_jobs FROM api_keys WHERE unfinished_jobs <> 0');
    report.counterMismatches = counters.map((k) => `${k.prefix}: ${k.unfinished_jobs}`);
    return report;
  } finally {
    await cluster.stop().catch(() => undefined);
    await nats.stop().catch(() => undefined);
    await postgres.stop().catch(() => undefined);
  }
}

/** Tenants of the soak's own (each with a key), created through the enterprise API; their keys. */
async function createTenants(cluster: Cluster, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const limits = { rate_limit_per_minute: 1_000_000, max_concurrent_jobs: 10_000 };
    const tenant = await post(`${cluster.url}/api/v1/enterprise/tenants/create`, { key: cluster.key, name: `soak-${i}`, credits: CREDITS, ...limits });
    const key = await post(`${cluster.url}/api/v1/enterprise/keys/create`, { key: cluster.key, tenant_id: tenant.body.tenant.id, name: 'soak', ...limits });
    if (typeof key.body.api_key !== 'string') throw new Error(`could not create the soak's keys: ${JSON.stringify(key.body)}`);
    keys.push(key.body.api_key);
  }
  return keys;
}

/** The jobs' statuses from their rows, once all ended or the time is up (those still unfinished are left out). */
async function waitForEnd(cluster: Cluster, ids: number[], timeoutMs: number): Promise<Map<number, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await cluster.db.sql
      .query<{ id: number; status: string }>("SELECT id, status FROM jobs WHERE id = ANY($1::int[]) AND status IN ('success', 'failed')", [ids])
      .catch(() => null);
    if (rows && (rows.length === ids.length || Date.now() > deadline)) return new Map(rows.map((r) => [Number(r.id), r.status]));
    await sleep(500);
  }
}

/** Counts each error a gateway logged (Nest's ERROR lines and the line after: the stack's first) by its text. */
function countErrors(errors: Map<string, number>, output: string) {
  const lines = output.split('\n');
  lines.forEach((line, i) => {
    if (!/\bERROR\b/.test(line)) return;
    // eslint-disable-next-line no-control-regex
    const text = `${line} ${lines[i + 1] ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '').replace(/^.*?ERROR\s*/, '').replace(/\d+/g, 'N').slice(0, 240);
    errors.set(text, (errors.get(text) ?? 0) + 1);
  });
}

/** Each soak tenant's balance against its ledger's sum and against its grant less its successful jobs' prices. */
async function ledgerMismatches(cluster: Cluster): Promise<string[]> {
  const rows = await cluster.db.sql.query<{ name: string; balance: string; ledger: string; expected: string }>(
    `SELECT t.name, t.balance::text AS balance,
            (SELECT COALESCE(sum(amount), 0) FROM ledger_entries l WHERE l.tenant_id = t.id)::numeric(18,3)::text AS ledger,
            (${CREDITS} - (SELECT COALESCE(sum(credits_held), 0) FROM jobs j WHERE j.tenant_id = t.id AND j.status = 'success'))::numeric(18,3)::text AS expected
     FROM tenants t WHERE t.name LIKE 'soak-%' ORDER BY t.name`,
  );
  return rows.filter((r) => r.balance !== r.ledger || r.balance !== r.expected).map((r) => `${r.name}: balance ${r.balance}, ledger ${r.ledger}, grant less successes ${r.expected}`);
}

export function formatSoakReport(report: SoakReport, options: Pick<SoakOptions, 'jobs' | 'tenants' | 'rate'>): string {
  const columns: Array<[string, number]> = [
    ['accepted', report.accepted],
    ['succeeded', report.succeeded],
    ['failed', report.failed],
    ['refused 503', report.refused503],
    ['refused other', report.refusedOther],
    ['no answer', report.noAnswer],
    ['lost', report.lost],
    ['unanswered', report.unanswered],
    ['stranded', report.stranded],
    ['duplicated', report.duplicated],
  ];
  const lines = [
    `chaos soak: ${options.jobs} requests from ${options.tenants} tenants at ${options.rate}/s through 2 gateways and 2 workers; faults: ${report.faults.join('; ') || 'none'}`,
    `  ${columns.map(([name]) => name.padStart(15)).join('')}`,
    `  ${columns.map(([, n]) => String(n).padStart(15)).join('')}`,
    `  ledgers: ${report.ledgerMismatches.length === 0 ? `every tenant's balance = its ledger's sum = its grant less its successful jobs` : report.ledgerMismatches.join('; ')}`,
    `  key counters: ${report.counterMismatches.length === 0 ? 'every key at 0 unfinished jobs' : report.counterMismatches.join('; ')}`,
    ...[...report.refusals].map(([shape, n]) => `  refused: ${n} × ${shape}`),
    ...[...report.gatewayErrors].map(([text, n]) => `  gateway error: ${n} × ${text}`),
  ];
  return lines.join('\n');
}

