import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create as createTar, extract as extractTar } from 'tar';
import type { EaselConfig } from '@easel/config';
import { applyMigrations, openEmbeddedDatabase, type Database } from '@easel/db';
import { CliError } from '../cli-error';
import { claimHome } from '../embedded/home-lock';

/** The file inside a backup that says what it holds. */
const MANIFEST = 'easel-backup.json';
const FORMAT = 1;
/** Parts of a home a backup leaves out: the lock, caches rebuilt on demand, half-written files. */
const SKIPPED = new Set(['easel.pid', 'model-cache', 'model-staging', MANIFEST]);

export interface HomeCounts {
  tenants: number;
  keys: number;
  jobs: number;
  ledger_rows: number;
  artifacts: number;
  models: number;
}

interface Manifest {
  format: number;
  created_at: string;
  migrations: string[];
  counts: HomeCounts;
}

async function counts(db: Database): Promise<HomeCounts> {
  const count = async (table: string) =>
    Number((await db.sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
  return {
    tenants: await count('tenants'),
    keys: await count('api_keys'),
    jobs: await count('jobs'),
    ledger_rows: await count('ledger_entries'),
    artifacts: await count('artifacts'),
    models: await count('models'),
  };
}

/** Claims the home (no easel may run on it meanwhile) and opens its database. */
async function withStoppedHome<T>(home: string, what: string, work: () => Promise<T>): Promise<T> {
  const release = await claimHome(home).catch((error: Error) => {
    throw new CliError(
      `${error.message}. ${what} needs it stopped: its embedded database is written by the running process, so a copy taken now could be torn`,
    );
  });
  try {
    return await work();
  } finally {
    await release();
  }
}

async function readCounts(
  home: string,
): Promise<{ counts: HomeCounts; migrations: string[]; missingFiles: string[] }> {
  const db = await openEmbeddedDatabase({ dataDir: join(home, 'db') });
  try {
    await applyMigrations(db.sql);
    const migrations = (
      await db.sql.query<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
      )
    ).map((r) => r.migration_name);
    // Every artifact row's file (the local store keeps it under artifacts/<storage key>).
    const keys = await db.sql.query<{ storage_key: string }>('SELECT storage_key FROM artifacts');
    const missingFiles = keys
      .map((k) => k.storage_key)
      .filter((key) => !existsSync(join(home, 'artifacts', key)));
    return { counts: await counts(db), migrations, missingFiles };
  } finally {
    await db.close();
  }
}

/** `easel backup <file>`: the embedded home (database, artifacts, uploaded models, webhook secret) as one tar.gz. */
export async function backup(config: EaselConfig, file: string): Promise<Manifest> {
  const { home } = config;
  if (!existsSync(join(home, 'db')))
    throw new CliError(
      `${home} has no embedded database to back up (run \`easel up\` once, or set EASEL_HOME)`,
    );
  return withStoppedHome(home, 'A backup', async () => {
    const { counts: found, migrations } = await readCounts(home);
    const manifest: Manifest = {
      format: FORMAT,
      created_at: new Date().toISOString(),
      migrations,
      counts: found,
    };
    await writeFile(join(home, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    try {
      const entries = (await readdir(home)).filter((name) => !SKIPPED.has(name));
      await createTar(
        { gzip: true, file, cwd: home, portable: true, filter: (path) => !path.endsWith('.tmp') },
        [MANIFEST, ...entries],
      );
    } finally {
      await rm(join(home, MANIFEST), { force: true });
    }
    return manifest;
  });
}

/** `easel restore <file>`: a backup into an EASEL_HOME with no database yet; checks that every row came back. */
export async function restore(config: EaselConfig, file: string): Promise<Manifest> {
  const { home } = config;
  if (!existsSync(file)) throw new CliError(`no backup at ${file}`);
  if (existsSync(join(home, 'db')))
    throw new CliError(
      `${home} already has a database: restore into a fresh EASEL_HOME, or move this one away first`,
    );
  return withStoppedHome(home, 'A restore', async () => {
    // Regular files and folders only, nothing outside the home (absolute paths and `..` are refused by tar itself).
    await extractTar({
      file,
      cwd: home,
      strict: true,
      filter: (_path, entry) =>
        ['File', 'Directory', 'OldFile'].includes((entry as { type?: string }).type ?? ''),
    });
    const manifestPath = join(home, MANIFEST);
    if (!existsSync(manifestPath)) throw new CliError(`${file} is not an Easel backup (no ${MANIFEST})`);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    await rm(manifestPath, { force: true });
    if (manifest.format !== FORMAT)
      throw new CliError(
        `${file} is a backup of format ${manifest.format}; this easel reads format ${FORMAT}`,
      );
    const { counts: found, missingFiles } = await readCounts(home);
    if (missingFiles.length > 0)
      throw new CliError(`the backup lacks ${missingFiles.length} artifact file(s), e.g. ${missingFiles[0]}`);
    const missing = (Object.keys(manifest.counts) as (keyof HomeCounts)[]).filter(
      (k) => found[k] !== manifest.counts[k],
    );
    if (missing.length > 0)
      throw new CliError(
        `the restored database differs from the backup's manifest: ${missing.map((k) => `${k} ${found[k]} (expected ${manifest.counts[k]})`).join(', ')}`,
      );
    return manifest;
  });
}
