import { context, SpanStatusCode, trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';

/** The tracer Easel's own code makes its spans with. */
export function easelTracer(scope = 'easel'): Tracer {
  return trace.getTracer(scope);
}

/** Marks the span failed with the error (the span itself is ended by the caller). */
export function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * Runs `fn` inside a new active span (child of `parent`, default the active context): the span
 * ends when `fn` settles and is marked failed when it throws.
 */
export function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>, parent: Context = context.active(), tracer: Tracer = easelTracer()): Promise<T> {
  return tracer.startActiveSpan(name, options, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
