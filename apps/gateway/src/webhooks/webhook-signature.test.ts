import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backoffDelay } from './backoff';
import { resolveWebhookSecret, SECRET_FILE } from './webhook-secret';
import { signatureHeader, verifySignature } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test_secret_1234';
  const body = '{"status":"success","id":1}';

  it('signs "<t>.<raw body>" with HMAC-SHA256 in hex, as the README tells receivers', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies the header against the raw body, the secret and the clock', () => {
    const now = 1_700_000_000_000;
    const header = signatureHeader(secret, body, now / 1000);
    expect(verifySignature(secret, header, body, 300, now)).toBe(true);
    expect(verifySignature(secret, header, body, 300, now + 299_000)).toBe(true);
    expect(verifySignature(secret, header, body, 300, now + 301_000)).toBe(false); // replayed later
    expect(verifySignature(secret, header, body.replace('1', '2'), 300, now)).toBe(false);
    expect(verifySignature('whsec_another_secret_9', header, body, 300, now)).toBe(false);
    expect(verifySignature(secret, header.replace('t=1700000000', 't=1700000001'), body, 300, now)).toBe(
      false,
    );
    expect(verifySignature(secret, undefined, body, 300, now)).toBe(false);
    expect(verifySignature(secret, 'garbage', body, 300, now)).toBe(false);
    expect(verifySignature(secret, `t=${now / 1000},v1=zz`, body, 300, now)).toBe(false);
  });
});

describe('the webhook secret', () => {
  let home: string;
  beforeEach(async () => {
    home = join(await mkdtemp(join(tmpdir(), 'easel-secret-')), 'home');
  });
  afterEach(() => rm(join(home, '..'), { recursive: true, force: true }));

  it('is EASEL_WEBHOOK_SECRET when set, and then nothing is written', async () => {
    expect(await resolveWebhookSecret({ EASEL_WEBHOOK_SECRET: 'configured-secret-123', home })).toBe(
      'configured-secret-123',
    );
    await expect(stat(join(home, SECRET_FILE))).rejects.toThrow();
  });

  it('is generated once into $EASEL_HOME/webhook-secret (0600) and kept across restarts', async () => {
    const first = await resolveWebhookSecret({ EASEL_WEBHOOK_SECRET: undefined, home });
    expect(first).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect((await stat(join(home, SECRET_FILE))).mode & 0o777).toBe(0o600);
    expect(await resolveWebhookSecret({ EASEL_WEBHOOK_SECRET: undefined, home })).toBe(first);
    expect((await readFile(join(home, SECRET_FILE), 'utf8')).trim()).toBe(first);
  });

  it('is the same for processes that race to create it', async () => {
    const secrets = await Promise.all(
      Array.from({ length: 5 }, () => resolveWebhookSecret({ EASEL_WEBHOOK_SECRET: undefined, home })),
    );
    expect(new Set(secrets).size).toBe(1);
  });

  it('reads an operator-written file', async () => {
    await resolveWebhookSecret({ EASEL_WEBHOOK_SECRET: undefined, home });
    await writeFile(join(home, SECRET_FILE), 'operator-chosen-secret\n');
    expect(await resolveWebhookSecret({ EASEL_WEBHOOK_SECRET: undefined, home })).toBe(
      'operator-chosen-secret',
    );
  });
});

describe('backoffDelay', () => {
  const schedule = [5_000, 30_000, 120_000, 600_000, 3_600_000];

  it('follows the schedule, repeating its last step', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 5, 6, 9].map((attempt) => backoffDelay(attempt, schedule, noJitter))).toEqual([
      5_000, 30_000, 120_000, 600_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });

  it('adds up to 20% jitter', () => {
    expect(backoffDelay(1, schedule, () => 0.999999)).toBe(6_000);
    expect(backoffDelay(2, schedule, () => 0.5)).toBe(33_000);
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelay(3, schedule);
      expect(delay).toBeGreaterThanOrEqual(120_000);
      expect(delay).toBeLessThanOrEqual(144_000);
    }
  });

  it('retries at once with an empty schedule', () => {
    expect(backoffDelay(1, [])).toBe(0);
  });
});
