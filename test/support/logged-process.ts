import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/** A child process whose output is kept, to wait for a line of it and to show it when a wait fails. */
export class LoggedProcess {
  output = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcessWithoutNullStreams,
    private readonly defaultTimeoutMs = 90_000,
  ) {
    child.stdout.on('data', (d) => (this.output += d));
    child.stderr.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  async waitFor(pattern: RegExp, timeoutMs = this.defaultTimeoutMs): Promise<RegExpMatchArray> {
    const started = Date.now();
    for (;;) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null || Date.now() - started > timeoutMs)
        throw new Error(`${this.name}: no ${pattern} in:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM (a process that exited already is left alone), then its exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
