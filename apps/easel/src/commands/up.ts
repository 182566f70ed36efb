import { join } from 'node:path';
import type { EaselConfig } from '@easel/config';
import { ApiKeysService } from '@easel/gateway';
import { startEmbedded } from '../embedded/start-embedded';
import { generateFirstImage } from '../first-image';
import { startProcessTelemetry } from './serve';

export interface UpOptions {
  firstImage?: string;
  /** Exit after the first image instead of serving (scripts, CI smoke runs). */
  exitAfterFirstImage?: boolean;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

function curlExample(url: string, key: string): string {
  const body = JSON.stringify({ key, prompt: 'a red circle on a blue background', samples: 1 });
  return `curl -s -X POST ${url}/api/v3/text2img -H 'Content-Type: application/json' -d '${body}'`;
}

/** `easel up`: everything in this process until Ctrl-C / SIGTERM. */
export async function up(config: EaselConfig, options: UpOptions): Promise<void> {
  const telemetry = await startProcessTelemetry(config, 'easel');
  const easel = await startEmbedded(config, (line) => say(`easel: ${line}`));
  let stopping: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      say(`easel: ${reason}: stopping (running jobs finish or resume at the next start)`);
      try {
        await easel.close();
        await telemetry.shutdown();
        say('easel: stopped');
      } catch (error) {
        say(`easel: error while stopping: ${(error as Error).message}`);
      }
    })();
    return stopping;
  };
  process.once('SIGINT', () => void stop('SIGINT').then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop('SIGTERM').then(() => process.exit(0)));

  say(`easel: listening on ${easel.url} (state in ${config.home})`);
  if (easel.adminKey) {
    say('easel: first start: created the admin API key. It is shown only this once; keep it:');
    say(`  ${easel.adminKey}`);
    say('easel: try it:');
    say(`  ${curlExample(easel.url, easel.adminKey)}`);
  }
  if (options.firstImage) {
    // A key of its own, revoked afterwards: the admin key's secret is not kept anywhere.
    const keys = easel.gateway.app.get(ApiKeysService);
    const { id, key } = await keys.create({ tenantId: easel.gateway.bootstrap.tenantId, name: 'easel up --first-image', scopes: ['generate'] });
    try {
      say(`easel: generating a first image: "${options.firstImage}"`);
      const image = await generateFirstImage(easel.url, key, options.firstImage, join(config.home, 'first-image.png'));
      say(`easel: first image (job ${image.jobId}, ${image.seconds.toFixed(1)} s) written to ${image.imagePath}`);
      say(`easel: and served at ${image.imageUrl}`);
    } finally {
      await keys.revoke(easel.gateway.bootstrap.tenantId, id);
    }
    if (options.exitAfterFirstImage) {
      await stop('done');
      return;
    }
  }
  say('easel: press Ctrl-C to stop');
}
