// A small engine for engine-thread.test.ts: each method shows one thing a thread call must carry.
import { trace } from '@opentelemetry/api';
import { serveEngine } from './serve-engine';

class FieldError extends Error {
  readonly code = 'too_big';
  constructor(readonly field: string) {
    super(`${field} is too big`);
    this.name = 'FieldError';
  }
}

serveEngine({
  count: async (n: number, { progress }) => {
    for (let i = 1; i <= n; i++) progress(i);
    return `counted ${n}`;
  },
  spin: async (ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end);
    return 'spun';
  },
  fail: async (field: string) => {
    throw new FieldError(field);
  },
  waitForAbort: (_: null, { signal }) =>
    new Promise((_, reject) =>
      signal.addEventListener('abort', () => reject(new Error('aborted on the thread'))),
    ),
  crash: async () => process.exit(3),
  traced: async (name: string) => {
    trace.getTracer('echo').startSpan(name).end();
    return 'traced';
  },
});
