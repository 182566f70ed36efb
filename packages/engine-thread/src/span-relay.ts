import { AsyncLocalStorage } from 'node:async_hooks';
import { context, trace, type Attributes, type Context, type HrTime } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A span an engine ended on its thread, as it crosses to the caller (times are epoch-based). */
export interface RelayedSpan {
  scope: string;
  name: string;
  startTime: HrTime;
  endTime: HrTime;
  attributes: Attributes;
}

/** The call a span belongs to, on the engine thread (calls may overlap). */
export const currentCall = new AsyncLocalStorage<number>();

/**
 * On the engine thread: every span the engine ends (through the OpenTelemetry API, as outside a
 * thread) goes to `send` with the id of the call it ended in, instead of to an exporter — the
 * caller's process owns the SDK, the exporter and the trace the spans belong to.
 */
export function relaySpans(send: (callId: number, span: RelayedSpan) => void): void {
  const processor: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span: ReadableSpan) => {
      const callId = currentCall.getStore();
      if (callId === undefined) return;
      const { name, startTime, endTime, attributes } = span;
      send(callId, { scope: span.instrumentationScope.name, name, startTime, endTime, attributes });
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [processor] }));
}

/** On the calling side: the relayed span, a child of the context the call was made in. */
export function replaySpan(span: RelayedSpan, parent: Context = context.active()): void {
  trace
    .getTracer(span.scope)
    .startSpan(span.name, { startTime: span.startTime, attributes: span.attributes }, parent)
    .end(span.endTime);
}
