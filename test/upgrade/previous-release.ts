/**
 * The previous release, built beside this checkout: EASEL_PREVIOUS_RELEASE (a tag or commit), or by
 * default the parent of the newest commit that changed the database migrations — the release whose
 * code must keep working on the schema those migrations expand. Built once into a git worktree
 * under the system's temp folder (offline: pnpm's store already holds every package).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../e2e/helpers';

const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();

export function previousReleaseCommit(): string {
  const wanted = process.env.EASEL_PREVIOUS_RELEASE;
  if (wanted) return git('rev-parse', `${wanted}^{commit}`);
  const lastSchemaChange = git('log', '-1', '--format=%H', '--', 'packages/db/prisma/migrations');
  return git('rev-parse', `${lastSchemaChange}~1`);
}

function run(cwd: string, args: string[]): void {
  const result = spawnSync(process.execPath, [join(cwd, 'scripts', 'pnpm.mjs'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
  });
  if (result.status !== 0)
    throw new Error(
      `building the previous release failed (${args.join(' ')}):\n${result.stdout}\n${result.stderr}`,
    );
}

/** The previous release's checkout with apps/easel built; returns its folder. */
export function buildPreviousRelease(commit: string): string {
  const dir = join(tmpdir(), `easel-release-${commit.slice(0, 12)}`);
  const cli = join(dir, 'apps', 'easel', 'dist', 'main.js');
  if (existsSync(cli)) return dir;
  if (!existsSync(dir)) git('worktree', 'add', '--detach', dir, commit);
  run(dir, ['install', '--frozen-lockfile', '--offline']);
  run(dir, ['exec', 'turbo', 'run', 'build', '--filter', '@easel/easel...', '--output-logs=errors-only']);
  if (!existsSync(cli)) throw new Error(`the previous release at ${dir} built no ${cli}`);
  return dir;
}
