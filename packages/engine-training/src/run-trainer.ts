import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TrainerFailedError } from './trainer-errors';
import { parseTrainerEvent, type TrainerDone, type TrainerEvent } from './trainer-events';

/** trainer/train.py in this package (src/ and dist/ sit beside trainer/). */
export const TRAINER_SCRIPT = join(__dirname, '..', 'trainer', 'train.py');

/** Lines of the trainer's log kept for the status endpoint and a failure's message. */
const LOG_TAIL_LINES = 30;
/** After SIGTERM, how long the trainer gets before SIGKILL. */
const KILL_GRACE_MS = 5_000;

export interface RunTrainerOptions {
  python: string;
  /** The trainer script (tests stand a fake one in); default TRAINER_SCRIPT. */
  script?: string;
  /** Holds job.json and the images; the checkpoint and the output are written here. */
  workDir: string;
  signal?: AbortSignal;
  onEvent?: (event: TrainerEvent) => void;
  /** Every log line (stderr, and stdout lines that are not events). */
  onLog?: (line: string, tail: readonly string[]) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs the trainer on a prepared work folder and resolves with its `done` event. Rejects with
 * TrainerFailedError (its message and log tail; retryable when a signal ended it) or, when
 * `signal` aborts, with the signal's reason once the trainer has exited.
 */
export function runTrainer(options: RunTrainerOptions): Promise<TrainerDone> {
  const { python, workDir, signal } = options;
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const child = spawn(python, [options.script ?? TRAINER_SCRIPT, workDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', ...options.env },
    });
    const tail: string[] = [];
    let done: TrainerDone | null = null;
    let reported: string | null = null;
    let spawnError: Error | null = null;
    const log = (line: string) => {
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
      options.onLog?.(line, tail);
    };
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = parseTrainerEvent(line);
      if (!event) return log(line);
      if (event.event === 'done') done = event;
      if (event.event === 'error') reported = event.message;
      options.onEvent?.(event);
    });
    createInterface({ input: child.stderr }).on('line', log);
    let killTimer: NodeJS.Timeout | undefined;
    const abort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (code, exitSignal) => {
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted) return reject(signal.reason);
      if (spawnError) return reject(new TrainerFailedError(`the trainer could not start: ${spawnError.message}`, tail, false));
      if (code === 0 && done) return resolve(done);
      if (exitSignal) return reject(new TrainerFailedError(`the trainer was killed (${exitSignal})`, tail, true));
      reject(new TrainerFailedError(reported ?? `the trainer exited with code ${code}`, tail, false));
    });
  });
}
