import { rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { EASEL_CLI, EaselProcess, freePort, post, tempHome } from './helpers';

/**
 * `easel up` as a real process: stop it (SIGTERM, then SIGKILL mid-job) and start it again
 * on the same EASEL_HOME. Keys, jobs and artifacts survive; no job stays processing.
 */
describe('easel up across restarts', () => {
  let home = '';
  let env: Record<string, string> = {};
  let easel: EaselProcess | undefined;

  beforeAll(async () => {
    home = await tempHome();
    env = { EASEL_HOME: home, PORT: String(await freePort()), EASEL_SYNC_WINDOW_MS: '0', EASEL_ORT_THREADS: '1' };
  });
  afterAll(async () => {
    await easel?.stop('SIGKILL');
    await rm(home, { recursive: true, force: true });
  });

  const waitForEnd = async (url: string, key: string, id: number, timeoutMs = 60_000) => {
    const started = Date.now();
    for (;;) {
      const { body } = await post(`${url}/api/v3/fetch/${id}`, { key });
      if (body.status !== 'processing' || Date.now() - started > timeoutMs) return body;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('keeps keys, jobs and artifacts, and finishes the jobs a stop interrupted', async () => {
    easel = await EaselProcess.start(env);
    const url = (await easel.waitFor(/listening on (\S+)/))[1];
    const key = (await easel.waitFor(/^\s+(esk_\w+)$/m))[1];

    // One finished job, then three queued behind a slow one when SIGTERM arrives.
    const done = await post(`${url}/api/v3/text2img`, { key, prompt: 'a red circle on a blue background', seed: 5, num_inference_steps: 4 });
    const first = await waitForEnd(url, key, done.body.id);
    expect(first.status).toBe('success');
    const queued: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { status, body } = await post(`${url}/api/v3/text2img`, { key, prompt: 'a green square', seed: i, samples: 4, num_inference_steps: 30 });
      expect(status).toBe(202);
      expect(body.status).toBe('processing');
      queued.push(body.id);
    }
    expect(await easel.stop('SIGTERM')).toBe(0);
    expect(easel.output).toMatch(/stopped/);

    // A second start prints no new key (the admin key is shown once) and accepts the old one.
    easel = await EaselProcess.start(env);
    expect(easel.output).not.toMatch(/esk_/);
    for (const id of queued) expect((await waitForEnd(url, key, id)).status).toBe('success');
    const again = await post(`${url}/api/v3/fetch/${done.body.id}`, { key });
    expect(again.body.output).toEqual(first.output);
    expect((await fetch(first.output[0])).status).toBe(200);

    // A crash (SIGKILL) in the middle of a job: the next start resumes it.
    const crash = await post(`${url}/api/v3/text2img`, { key, prompt: 'a yellow star', seed: 9, samples: 4, num_inference_steps: 50 });
    await new Promise((r) => setTimeout(r, 1500));
    await easel.stop('SIGKILL');
    easel = await EaselProcess.start(env);
    const resumed = await waitForEnd(url, key, crash.body.id);
    expect(resumed.status).toBe('success');
    expect(resumed.meta.seed).toBe(9);
    expect((await post(`${url}/api/v3/system_load`, { key })).body.queue_num).toBe(0);
    expect(await easel.stop('SIGTERM')).toBe(0);
  });

  it('refuses a second process on the same EASEL_HOME, a busy port, an unwritable home and a bad setting, with one line and exit code 2', async () => {
    const first = await EaselProcess.start(env);
    try {
      const second = await EaselProcess.start({ ...env, PORT: String(await freePort()) }).catch((error: Error) => error);
      expect(String(second)).toMatch(/exited \(2\)[\s\S]*is in use by another easel process/);
      const busyPort = await EaselProcess.start({ ...env, EASEL_HOME: `${home}-other` }).catch((error: Error) => error);
      expect(String(busyPort)).toMatch(/exited \(2\)[\s\S]*port \d+ on 127.0.0.1 is already in use/);
      const unwritable = await EaselProcess.start({ ...env, EASEL_HOME: '/etc/hostname/easel', PORT: String(await freePort()) }).catch((error: Error) => error);
      expect(String(unwritable)).toMatch(/exited \(2\)[\s\S]*EASEL_HOME=\/etc\/hostname\/easel is not a writable folder/);
      expect(String(unwritable)).not.toMatch(/\n\s+at /); // one line, no stack trace
      const badConfig = await EaselProcess.start({ ...env, EASEL_HOME: `${home}-x`, EASEL_PROT: '1' }).catch((error: Error) => error);
      expect(String(badConfig)).toMatch(/exited \(2\)[\s\S]*EASEL_PROT is not a setting Easel knows/);
    } finally {
      await first.stop('SIGTERM');
      await rm(`${home}-other`, { recursive: true, force: true });
    }
  });

  it('`easel keys` creates, lists and revokes keys on the stopped home, and points to the API while it runs', async () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, [EASEL_CLI, 'keys', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
    const created = cli('create', '--name', 'ci', '--scopes', 'generate');
    expect(created.status).toBe(0);
    const key = /^(esk_\w+)$/m.exec(created.stdout)![1];
    const prefix = /created key (esk_\w+)/.exec(created.stdout)![1];
    expect(cli('create', '--scopes', 'root').stderr).toMatch(/scopes is invalid: root/);

    easel = await EaselProcess.start(env);
    const url = (await easel.waitFor(/listening on (\S+)/))[1];
    expect((await post(`${url}/api/v3/system_load`, { key })).body.status).toBe('ok');
    const whileRunning = cli('list');
    expect(whileRunning.status).toBe(2);
    expect(whileRunning.stderr).toMatch(/in use by another easel process.*\/api\/v1\/enterprise\/keys/);
    expect(await easel.stop('SIGTERM')).toBe(0);

    expect(cli('list').stdout).toMatch(new RegExp(`${prefix}\t.*\tgenerate\tactive\tci`));
    expect(cli('revoke', prefix).status).toBe(0);
    easel = await EaselProcess.start(env);
    expect((await post(`${url}/api/v3/system_load`, { key })).status).toBe(401);
    expect(await easel.stop('SIGTERM')).toBe(0);
  });
});
