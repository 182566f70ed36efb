import { checkerInstanceImages } from '@easel/testing';
import { post } from '../e2e/helpers';
import { Cluster, ensureNatsRunning, restartNats, type Tally } from './cluster';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Faults against the real servers: the gateway and two workers as separate processes on this
 * machine's PostgreSQL and NATS, artifacts on an S3 server. Whatever fails, a job the API accepted
 * must end (success, here) and the client must hear of its end once. The suite prints, per fault
 * and in total, the jobs accepted, succeeded, failed and lost.
 */
describe('fault tolerance of distributed mode', () => {
  const cluster = new Cluster();
  const tallies: Tally[] = [];

  beforeAll(async () => {
    await ensureNatsRunning();
    await cluster.start();
  }, 90_000);

  let stranded: string[] = [];
  afterAll(async () => {
    stranded = await cluster.unfinishedNotAccepted().catch(() => []);
    // The machine's NATS serves other suites too: it must be up whatever happened here.
    await ensureNatsRunning().catch((error) => process.stderr.write(`fault suite: NATS is not running: ${error}\n`));
    await cluster.stop();
    if (tallies.length > 0) {
      const total = tallies.reduce(
        (sum, t) => ({ ...sum, accepted: sum.accepted + t.accepted, succeeded: sum.succeeded + t.succeeded, failed: sum.failed + t.failed, lost: sum.lost + t.lost, deliveredTwice: sum.deliveredTwice + t.deliveredTwice, refused: sum.refused + t.refused }),
        { scenario: 'total', accepted: 0, succeeded: 0, failed: 0, lost: 0, deliveredTwice: 0, refused: 0 },
      );
      const line = (t: Tally) => `  ${t.scenario.padEnd(22)} accepted ${t.accepted}, succeeded ${t.succeeded}, failed ${t.failed}, lost ${t.lost}, delivered twice ${t.deliveredTwice}, refused ${t.refused}`;
      const counts = new Map<string, number>();
      for (const r of cluster.ledger.refused) {
        const shape = r.replace(/"id":\d+,/, '').slice(0, 200);
        counts.set(shape, (counts.get(shape) ?? 0) + 1);
      }
      const refusals = [...counts].map(([shape, n]) => `${n} × ${shape}`);
      process.stdout.write(`fault suite:\n${[...tallies, total].map(line).join('\n')}\n`);
      if (refusals.length > 0) process.stdout.write(`  refused (not accepted, so not counted as lost):\n${refusals.map((r) => `    ${r}`).join('\n')}\n`);
      if (stranded.length > 0) process.stdout.write(`  refused requests whose job row is still unfinished (no client holds its id): ${stranded.join(', ')}\n`);
    }
  }, 60_000);

  /** Every job submitted was accepted; otherwise says what the API answered. */
  const allAccepted = (ids: number[], expected: number, refusedBefore: number) => {
    if (ids.length !== expected) throw new Error(`${expected - ids.length} of ${expected} jobs refused:\n${cluster.ledger.refused.slice(refusedBefore).join('\n')}`);
  };

  const check = (tally: Tally) => {
    tallies.push(tally);
    expect(tally.lost).toBe(0);
    expect(tally.deliveredTwice).toBe(0);
    expect(tally.failed).toBe(0);
    expect(tally.succeeded).toBe(tally.accepted);
  };

  it('kill -9 a worker in the middle of a job: the job is redelivered and ends success', async () => {
    const refusedBefore = cluster.ledger.refused.length;
    const ids = (await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => cluster.submit(100 + seed)))).filter((id): id is number => id !== null);
    allAccepted(ids, 6, refusedBefore);
    // Both workers hold a job (one each): kill one without warning.
    const started = Date.now();
    while ((await cluster.runningJobs()) < 2 && Date.now() - started < 30_000) await sleep(20);
    const [victim] = cluster.workers;
    await victim.kill('SIGKILL');
    cluster.workers[0] = await cluster.startWorker('worker-a2');
    const outcome = await cluster.settle(ids);
    check(await cluster.tally('worker kill -9', ids, outcome, refusedBefore));
    // The killed worker's job went round again.
    expect(Math.max(...(await cluster.attempts(ids)).values())).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it('restart NATS under load: no accepted job lost, none delivered twice to the client', async () => {
    const refusedBefore = cluster.ledger.refused.length;
    const ids: number[] = [];
    let seed = 200;
    let submitting = true;
    // A steady stream of jobs before, during and after the outage.
    const load = (async () => {
      const pending: Promise<void>[] = [];
      while (submitting) {
        pending.push(cluster.submit(seed++).then((id) => void (id !== null && ids.push(id))));
        await sleep(150);
      }
      await Promise.all(pending);
    })();
    await sleep(1500);
    let outageMs = 0;
    try {
      outageMs = await restartNats();
    } finally {
      await ensureNatsRunning();
    }
    process.stdout.write(`fault suite: NATS was down for ${outageMs} ms\n`);
    await sleep(2500);
    submitting = false;
    await load;
    expect(ids.length).toBeGreaterThan(10);
    const outcome = await cluster.settle(ids, 90_000);
    check(await cluster.tally('NATS restart', ids, outcome, refusedBefore));
  }, 150_000);

  it('restart the gateway while jobs run: each still ends success on fetch', async () => {
    const refusedBefore = cluster.ledger.refused.length;
    const ids = (await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => cluster.submit(300 + seed)))).filter((id): id is number => id !== null);
    allAccepted(ids, 6, refusedBefore);
    const started = Date.now();
    while ((await cluster.runningJobs()) < 1 && Date.now() - started < 30_000) await sleep(20);
    await cluster.gateway.kill('SIGKILL');
    await cluster.startGateway();
    const outcome = await cluster.settle(ids);
    check(await cluster.tally('gateway restart', ids, outcome, refusedBefore));
  }, 90_000);

  it('kill -9 the worker running a training: another worker resumes it from its last stored checkpoint', async () => {
    const status = async (id: number) => (await post(`${cluster.url}/api/v3/fine_tune_status/${id}`, { key: cluster.key })).body;
    const { body } = await post(`${cluster.url}/api/v3/lora_fine_tune`, {
      key: cluster.key,
      instance_prompt: 'a zxq circle',
      images: await checkerInstanceImages(4),
      max_train_steps: 20,
      learning_rate: 1e-3,
      rank: 4,
      seed: 7,
      base_model_id: 'easel-tiny',
    });
    expect(body).toMatchObject({ status: 'success', training_status: 'deploying_gpu' });
    const id = Number(body.training_id);
    // Past the checkpoint at step 5 (stored in S3), then the worker training it dies without warning.
    let seen = await status(id);
    for (const deadline = Date.now() + 180_000; (seen.step ?? 0) < 8 && seen.training_status !== 'failed' && Date.now() < deadline; seen = await status(id)) await sleep(200);
    expect(seen.training_status).toBe('training_started');
    const victim = cluster.trainingWorker();
    if (!victim) throw new Error(`no worker runs a trainer (status ${JSON.stringify(seen)})`);
    const stepAtKill = seen.step as number;
    await victim.kill('SIGKILL');
    cluster.workers[cluster.workers.indexOf(victim)] = await cluster.startWorker('worker-t2');
    for (const deadline = Date.now() + 240_000; !['model_ready', 'failed'].includes(seen.training_status) && Date.now() < deadline; seen = await status(id)) await sleep(500);
    expect(seen).toMatchObject({ training_status: 'model_ready', step: 20 });
    // It went on from a stored checkpoint (5, or a later one), not from the start.
    if (!(seen.resumed_from_step >= 5)) throw new Error(`not resumed (${JSON.stringify(seen)}); workers said:\n${[victim, ...cluster.workers].map((w) => `${w.name}: ${w.output.slice(-3000)}`).join('\n')}`);
    expect(seen.resumed_from_step).toBeLessThanOrEqual(stepAtKill);
    expect((await cluster.attempts([id])).get(id)).toBeGreaterThanOrEqual(2);
  }, 480_000);
});
