import { spawn } from 'node:child_process';

/** Python interpreters tried in turn when EASEL_TRAINER_PYTHON is not set. */
export const PYTHON_CANDIDATES = ['python3', '/usr/bin/python3'];
const NEEDED = 'import torch, onnx, numpy';

export type PythonProbe = { python: string; problem: null } | { python: null; problem: string };

const cache = new Map<string, Promise<PythonProbe>>();

/** Why `python` cannot import what the trainer needs, or null when it can (without blocking the event loop: importing torch takes seconds). */
function importProblem(python: string): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-c', NEEDED], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', () => resolve('not found'));
    child.on('close', (code) => resolve(code === 0 ? null : (stderr.trim().split('\n').pop() ?? `exit ${code}`)));
  });
}

/**
 * The first interpreter that imports torch, onnx and numpy, or the reason none does (named for
 * the operator: what is missing and which Debian packages bring it). Probed once per process.
 */
export function probePython(configured?: string): Promise<PythonProbe> {
  const key = configured ?? '';
  let probe = cache.get(key);
  if (!probe) {
    probe = (async (): Promise<PythonProbe> => {
      const reasons: string[] = [];
      for (const python of configured ? [configured] : PYTHON_CANDIDATES) {
        const problem = await importProblem(python);
        if (problem === null) return { python, problem: null };
        reasons.push(`${python}: ${problem}`);
      }
      return {
        python: null,
        problem: `Training needs python3 with PyTorch and ONNX on the training machine (Debian: apt-get install python3-torch python3-onnx python3-numpy; or set EASEL_TRAINER_PYTHON); ${reasons.join('; ')}`,
      };
    })();
    cache.set(key, probe);
  }
  return probe;
}
