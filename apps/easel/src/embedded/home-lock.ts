import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../cli-error';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes EASEL_HOME exist and be writable, and claims it for this process: the embedded
 * database must never be opened by two processes at once. A lock left by a process that
 * died is taken over.
 */
export async function claimHome(home: string): Promise<() => Promise<void>> {
  try {
    await mkdir(home, { recursive: true });
    await access(home, constants.W_OK);
  } catch (error) {
    throw new CliError(`EASEL_HOME=${home} is not a writable folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); set EASEL_HOME to one that is`);
  }
  const lockPath = join(home, 'easel.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new CliError(`${home} is in use by another easel process (pid ${owner}); stop it or set EASEL_HOME to another folder`);
      }
      await rm(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new CliError(`could not claim ${lockPath}`);
}
