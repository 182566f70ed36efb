import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { EngineThread } from './engine-thread';

class FieldError extends Error {
  declare readonly code: string;
  declare readonly field: string;
}

const engine = new EngineThread({ module: join(__dirname, 'echo-engine.fixture.ts'), errors: [FieldError] });
afterAll(() => engine.close());

describe('EngineThread', () => {
  it('answers with the result after the progress, in order', async () => {
    const seen: number[] = [];
    await expect(engine.call('count', 3, { onProgress: (i: number) => seen.push(i) })).resolves.toBe(
      'counted 3',
    );
    expect(seen).toEqual([1, 2, 3]);
  });

  it('keeps the caller free while the engine computes', async () => {
    const first = await Promise.race([
      engine.call('spin', 300).then(() => 'engine'),
      new Promise((resolve) => setTimeout(() => resolve('caller'), 10)),
    ]);
    expect(first).toBe('caller');
  });

  it('rebuilds the engine errors it is told about, with their fields', async () => {
    const failed = engine.call('fail', 'width');
    await expect(failed).rejects.toBeInstanceOf(FieldError);
    await expect(failed).rejects.toMatchObject({
      name: 'FieldError',
      code: 'too_big',
      field: 'width',
      message: 'width is too big',
    });
  });

  it('passes an abort to the call on the thread', async () => {
    const controller = new AbortController();
    const waiting = engine.call('waitForAbort', null, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(waiting).rejects.toThrow('aborted on the thread');
  });

  it('fails the calls of a thread that dies, and starts a fresh one for the next', async () => {
    await expect(engine.call('crash', null)).rejects.toThrow(/exited with code 3/);
    await expect(engine.call('count', 1)).resolves.toBe('counted 1');
  });

  it("records the engine's spans as children of the caller's span", async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    const parent = trace.getTracer('test').startSpan('job');
    await context.with(trace.setSpan(context.active(), parent), () => engine.call('traced', 'phase'));
    parent.end();
    const phase = exporter.getFinishedSpans().find((s) => s.name === 'phase');
    expect(phase?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(phase?.spanContext().traceId).toBe(parent.spanContext().traceId);
    trace.disable();
    context.disable();
  });
});
