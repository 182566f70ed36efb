/**
 * A full artifact disk: embedded Easel with its artifacts on a 4 MiB tmpfs. Once the disk is
 * full, a job fails at once with the cause in its `error` and its credits back, /readyz answers
 * 503 while /healthz and the rest of the API keep answering; freeing the disk makes it ready and
 * able to deliver again. Needs root (mount), as CI and the development machines run.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EaselProcess, freePort, post, tempHome } from './helpers';

const TMPFS_BYTES = 4 * 1024 * 1024;
const RESERVE_BYTES = 1024 * 1024;

describe('a full artifact disk (tmpfs)', () => {
  let home = '';
  let artifacts = '';
  let easel: EaselProcess | undefined;
  let url = '';
  let key = '';

  beforeAll(async () => {
    home = await tempHome();
    artifacts = join(home, 'artifacts');
    await mkdir(artifacts, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', artifacts], {
        stdio: 'pipe',
      });
    } catch (error) {
      throw new Error(`this test mounts a tmpfs and needs root (as CI runs): ${(error as Error).message}`);
    }
    const port = await freePort();
    easel = await EaselProcess.start({
      EASEL_HOME: home,
      PORT: String(port),
      EASEL_ARTIFACT_MIN_FREE_BYTES: String(RESERVE_BYTES),
      EASEL_SYNC_WINDOW_MS: '60000',
      EASEL_ORT_THREADS: '1',
    });
    url = (await easel.waitFor(/listening on (\S+)/))[1];
    key = (await easel.waitFor(/^\s+(esk_\w+)$/m))[1];
  }, 120_000);

  afterAll(async () => {
    await easel?.stop();
    try {
      execFileSync('umount', [artifacts], { stdio: 'pipe' });
    } catch {
      // not mounted: beforeAll said why
    }
    await rm(home, { recursive: true, force: true });
  });

  const balance = async () =>
    Number((await post(`${url}/api/v1/enterprise/credits/report`, { key })).body.credits);
  const generate = () =>
    post(`${url}/api/v3/text2img`, {
      key,
      prompt: 'a red circle on a blue background',
      num_inference_steps: 2,
      track_id: `disk-${Math.random()}`,
    });

  it('fails the job with the cause and the credits back, reports not ready, and recovers once space is freed', async () => {
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);

    // Fill the disk to its last few KiB: under the reserve, and too small for a picture.
    const filler = join(artifacts, 'filler.bin');
    await writeFile(filler, Buffer.alloc(TMPFS_BYTES - 4096));
    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: 'error',
      message: expect.stringContaining('artifact store not writable'),
    });

    const before = await balance();
    const { status, body } = await generate();
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/artifact store could not take this job's files: .*ENOSPC/),
    });
    expect(await balance()).toBeCloseTo(before, 3);

    // The rest of the API goes on: health, validation, fetch.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await post(`${url}/api/v3/text2img`, { key, width: 'wide' })).status).toBe(422);
    expect((await post(`${url}/api/v3/fetch/${body.id}`, { key })).body.status).toBe('failed');

    await rm(filler);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const again = await generate();
    expect(again.body).toMatchObject({ status: 'success' });
    expect((await fetch(again.body.output[0])).status).toBe(200);
  }, 180_000);
});
