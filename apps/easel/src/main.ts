#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, loadConfig } from '@easel/config';
import { CliError } from './cli-error';
import { backup, restore } from './commands/backup';
import { keysCreate, keysList, keysRevoke, type KeyCreateOptions } from './commands/keys';
import { migrate } from './commands/migrate';
import { serveGateway, serveWorker } from './commands/serve';
import { up } from './commands/up';

function fail(error: unknown): never {
  if (error instanceof CliError || error instanceof ConfigError) {
    process.stderr.write(`easel: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`easel: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}

const program = new Command('easel').description('Self-hosted Stable Diffusion API').showHelpAfterError();

program
  .command('up')
  .description('run Easel in embedded mode: gateway, workers, database and artifact store in this process')
  .option('--first-image <prompt>', 'once started, generate an image from this prompt through the API')
  .option('--exit-after-first-image', 'stop after the first image (for scripts)')
  .action(async (options: { firstImage?: string; exitAfterFirstImage?: boolean }) => {
    await up(loadConfig(), options);
  });

program
  .command('migrate')
  .description('apply pending database migrations to DATABASE_URL')
  .action(async () => {
    await migrate(loadConfig());
  });

program
  .command('gateway')
  .description('distributed mode: run the HTTP gateway alone (PostgreSQL, NATS, S3 from the environment)')
  .action(async () => serveGateway(loadConfig()));

program
  .command('worker')
  .description('distributed mode: run the workers of EASEL_SERVICES for EASEL_POOL')
  .action(async () => serveWorker(loadConfig()));

const say = (line: string) => process.stdout.write(`${line}\n`);
const summary = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`)
    .join(', ');

program
  .command('backup <file>')
  .description(
    'embedded mode: write EASEL_HOME (database, artifacts, uploaded models) to a tar.gz; easel must be stopped',
  )
  .action(async (file: string) => {
    const manifest = await backup(loadConfig(), file);
    say(`easel backup: wrote ${file}: ${summary({ ...manifest.counts })}`);
  });

program
  .command('restore <file>')
  .description(
    'embedded mode: restore a backup into an EASEL_HOME that has no database yet, and check every row and artifact came back',
  )
  .action(async (file: string) => {
    const manifest = await restore(loadConfig(), file);
    say(`easel restore: restored ${file} (made ${manifest.created_at}): ${summary({ ...manifest.counts })}`);
  });

const keys = program
  .command('keys')
  .description('manage API keys (embedded database in EASEL_HOME, or DATABASE_URL)');
keys
  .command('create')
  .option('--tenant <name-or-id>', 'tenant (default: the default tenant)')
  .option('--name <name>', 'a label for the key')
  .option('--scopes <list>', 'comma-separated: generate, admin', 'generate')
  .option('--rate-limit <n>', "requests per minute (default: the tenant's)")
  .option('--max-concurrent <n>', "unfinished jobs at once (default: the tenant's)")
  .action(async (options: KeyCreateOptions) => keysCreate(loadConfig(), options));
keys
  .command('list')
  .option('--tenant <name-or-id>', 'tenant (default: the default tenant)')
  .action(async (options: { tenant?: string }) => keysList(loadConfig(), options));
keys
  .command('revoke <id-or-prefix>')
  .option('--tenant <name-or-id>', 'tenant (default: the default tenant)')
  .action(async (id: string, options: { tenant?: string }) => keysRevoke(loadConfig(), id, options));

program.parseAsync(process.argv).catch(fail);
