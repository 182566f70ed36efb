import { spawnSync } from 'node:child_process';

/** Python interpreters tried in turn when EASEL_TRAINER_PYTHON is not set. */
export const PYTHON_CANDIDATES = ['python3', '/usr/bin/python3'];
const NEEDED = 'import torch, onnx, numpy';

export type PythonProbe = { python: string; problem: null } | { python: null; problem: string };

const cache = new Map<string, PythonProbe>();

/**
 * The first interpreter that imports torch, onnx and numpy, or the reason none does (named for
 * the operator: what is missing and which Debian packages bring it). Probed once per process.
 */
export function probePython(configured?: string): PythonProbe {
  const key = configured ?? '';
  const known = cache.get(key);
  if (known) return known;
  const reasons: string[] = [];
  let found: PythonProbe | null = null;
  for (const python of configured ? [configured] : PYTHON_CANDIDATES) {
    const run = spawnSync(python, ['-c', NEEDED], { encoding: 'utf8', timeout: 60_000 });
    if (run.status === 0) {
      found = { python, problem: null };
      break;
    }
    const why = run.error ? 'not found' : (run.stderr.trim().split('\n').pop() ?? `exit ${run.status}`);
    reasons.push(`${python}: ${why}`);
  }
  const probe: PythonProbe = found ?? {
    python: null,
    problem: `Training needs python3 with PyTorch and ONNX on the training machine (Debian: apt-get install python3-torch python3-onnx python3-numpy; or set EASEL_TRAINER_PYTHON); ${reasons.join('; ')}`,
  };
  cache.set(key, probe);
  return probe;
}
