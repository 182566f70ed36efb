/**
 * `easel backup` / `easel restore`: a home with jobs, keys, credits and artifacts, backed up and
 * restored into a fresh home, serves the same jobs, keys, ledger and files. A backup of a running
 * home is refused, and so is a restore over an existing database.
 */
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EASEL_CLI, EaselProcess, freePort, post, tempHome } from './helpers';

const cli = (home: string, ...args: string[]) =>
  spawnSync(process.execPath, [EASEL_CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', EASEL_HOME: home },
    encoding: 'utf8',
  });

describe('backup and restore of an embedded home', () => {
  let from = '';
  let to = '';
  let easel: EaselProcess | undefined;

  beforeAll(async () => {
    from = await tempHome();
    to = await tempHome();
  });
  afterAll(async () => {
    await easel?.stop();
    await rm(from, { recursive: true, force: true });
    await rm(to, { recursive: true, force: true });
  });

  const start = async (home: string) => {
    easel = await EaselProcess.start({
      EASEL_HOME: home,
      PORT: String(await freePort()),
      EASEL_SYNC_WINDOW_MS: '60000',
      EASEL_ORT_THREADS: '1',
    });
    return (await easel.waitFor(/listening on (\S+)/))[1];
  };

  it('restores every job, key, ledger row and artifact into a fresh home', async () => {
    let url = await start(from);
    const admin = (await easel!.waitFor(/^\s+(esk_\w+)$/m))[1];
    const job = (
      await post(`${url}/api/v3/text2img`, {
        key: admin,
        prompt: 'a red circle on a blue background',
        seed: 4,
        num_inference_steps: 2,
      })
    ).body;
    expect(job.status).toBe('success');
    const image = Buffer.from(await (await fetch(job.output[0])).arrayBuffer());
    const second = (await post(`${url}/api/v1/enterprise/keys/create`, { key: admin, name: 'second' })).body;
    expect(second.status).toBe('success');
    expect(
      (
        await post(`${url}/api/v1/enterprise/credits/add`, {
          key: admin,
          amount: 5,
          note: 'before the backup',
        })
      ).body.status,
    ).toBe('success');
    const report = (await post(`${url}/api/v1/enterprise/credits/report`, { key: admin })).body;

    const busy = cli(from, 'backup', join(to, '..', 'refused.tar.gz'));
    expect(busy.status).toBe(2);
    expect(busy.stderr).toMatch(/in use by another easel process .*A backup needs it stopped/);
    await easel!.stop();

    const archive = join(from, '..', `${from.split('/').pop()}.tar.gz`);
    const made = cli(from, 'backup', archive);
    expect([made.status, made.stderr]).toEqual([0, '']);
    expect(made.stdout).toMatch(/wrote .*: 1 tenants, 2 keys, 1 jobs, \d+ ledger rows, 1 artifacts/);

    const restored = cli(to, 'restore', archive);
    expect([restored.status, restored.stderr]).toEqual([0, '']);
    expect(cli(to, 'restore', archive).stderr).toMatch(/already has a database/);

    url = await start(to);
    const fetched = (await post(`${url}/api/v3/fetch/${job.id}`, { key: admin })).body;
    expect(fetched).toMatchObject({ status: 'success', id: job.id, meta: { seed: 4 } });
    const link = fetched.output[0].replace(/^http:\/\/[^/]+/, url);
    expect(Buffer.from(await (await fetch(link)).arrayBuffer()).equals(image)).toBe(true);
    expect((await post(`${url}/api/v3/system_load`, { key: second.api_key })).status).toBe(200);
    const after = (await post(`${url}/api/v1/enterprise/credits/report`, { key: admin })).body;
    expect({ credits: after.credits, ledger_sum: after.ledger_sum, entries: after.entries?.length }).toEqual({
      credits: report.credits,
      ledger_sum: report.ledger_sum,
      entries: report.entries?.length,
    });
    await rm(archive, { force: true });
  }, 240_000);
});
