import { formatSoakReport, runChaosSoak } from './chaos-soak';
import { PrivateNats, PrivatePostgres } from './private-servers';

/**
 * The chaos soak at CI size (`SOAK_JOBS`, default 120 requests; `node test/fault/soak.mjs --jobs 5000`
 * runs it large): restarts of a worker, a gateway, NATS and PostgreSQL while several tenants submit.
 */
const servers = PrivatePostgres.available() && PrivateNats.available();
(servers ? describe : describe.skip)('chaos soak', () => {
  const jobs = Number(process.env.SOAK_JOBS ?? 120);
  const options = {
    jobs,
    tenants: Number(process.env.SOAK_TENANTS ?? 3),
    rate: Number(process.env.SOAK_RATE ?? 6),
    faultsEach: Number(process.env.SOAK_FAULTS_EACH ?? Math.max(1, Math.round(jobs / 1000))),
    seed: Number(process.env.SOAK_SEED ?? Date.now() % 100_000),
    settleMs: Number(process.env.SOAK_SETTLE_MS ?? 120_000),
    log: (line: string) => process.stdout.write(`${line}\n`),
  };

  it('loses nothing, charges and announces nothing twice, and leaves every ledger equal', async () => {
    const report = await runChaosSoak(options);
    process.stdout.write(`${formatSoakReport(report, options)}\n  (seed ${options.seed})\n`);
    expect(report.faults).toHaveLength(4 * options.faultsEach);
    expect(report.accepted).toBeGreaterThan(0);
    expect(report.lost).toBe(0);
    expect(report.stranded).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.succeeded + report.failed).toBe(report.accepted);
    expect(report.ledgerMismatches).toEqual([]);
    expect(report.counterMismatches).toEqual([]);
  }, 300_000 + (jobs / Number(process.env.SOAK_RATE ?? 6)) * 1000 + Number(process.env.SOAK_SETTLE_MS ?? 120_000));
});
