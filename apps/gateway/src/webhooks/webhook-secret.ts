import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EaselConfig } from '@easel/config';

export const SECRET_FILE = 'webhook-secret';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readSecret(file: string): Promise<string | null> {
  try {
    const secret = (await readFile(file, 'utf8')).trim();
    return secret === '' ? null : secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The webhook signing secret: EASEL_WEBHOOK_SECRET when set, else the one kept in
 * `$EASEL_HOME/webhook-secret` (mode 0600), generated on first use so a restart keeps it.
 * Two processes on one home may race to create it: the file is created exclusively and the
 * loser reads the winner's.
 */
export async function resolveWebhookSecret(
  config: Pick<EaselConfig, 'EASEL_WEBHOOK_SECRET' | 'home'>,
): Promise<string> {
  if (config.EASEL_WEBHOOK_SECRET) return config.EASEL_WEBHOOK_SECRET;
  const file = join(config.home, SECRET_FILE);
  const existing = await readSecret(file);
  if (existing) return existing;
  await mkdir(config.home, { recursive: true, mode: 0o700 });
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  try {
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Another process created the file first: wait for its contents.
  for (let i = 0; i < 20; i++) {
    const theirs = await readSecret(file);
    if (theirs) return theirs;
    await sleep(25);
  }
  throw new Error(`${file} exists but is empty; remove it or set EASEL_WEBHOOK_SECRET`);
}
