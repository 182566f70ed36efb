import { context, propagation, trace, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** Where finished spans go: an OTLP/HTTP collector, memory (tests), or nowhere. */
export type TraceExporterKind = 'otlp' | 'memory' | 'none';

export interface TelemetryOptions {
  /** `service.name` of every span this process makes (OTEL_SERVICE_NAME usually overrides the caller's default). */
  serviceName: string;
  exporter: TraceExporterKind;
  /**
   * OTLP base URL (OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://collector:4318); traces go to `<url>/v1/traces`.
   * Without it the exporter reads the standard OTEL_EXPORTER_OTLP_* variables itself (default http://localhost:4318).
   */
  otlpEndpoint?: string;
}

export interface Telemetry {
  /** The registered provider; undefined with exporter 'none' (the API's no-op tracer stays in place). */
  provider: TracerProvider | undefined;
  /** Holds every finished span with exporter 'memory'. */
  memoryExporter: InMemorySpanExporter | undefined;
  /** Exports what is buffered now (spans are batched with 'otlp'). */
  forceFlush(): Promise<void>;
  /** Flushes, then unregisters the provider, context manager and propagator. Safe to call twice. */
  shutdown(): Promise<void>;
}

let active: Telemetry | undefined;

/**
 * Registers OpenTelemetry for this process: a tracer provider exporting to `exporter`, an
 * AsyncLocalStorage context manager (the active span follows awaits) and the W3C trace-context
 * propagator (what `injectTraceHeaders` / `extractTraceContext` write and read). Code everywhere
 * else only uses `@opentelemetry/api`, which is a no-op until this runs.
 *
 * One registration per process: starting again replaces the previous one (shut down first).
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  await active?.shutdown();
  // The propagator and context manager are registered even with 'none': a process that does not
  // export still passes the caller's trace context along, so the next hop can join the trace.
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());

  let provider: BasicTracerProvider | undefined;
  let memoryExporter: InMemorySpanExporter | undefined;
  if (options.exporter !== 'none') {
    let processor: SpanProcessor;
    if (options.exporter === 'memory') {
      memoryExporter = new InMemorySpanExporter();
      processor = new SimpleSpanProcessor(memoryExporter);
    } else {
      const url = options.otlpEndpoint ? `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` : undefined;
      processor = new BatchSpanProcessor(new OTLPTraceExporter(url ? { url } : {}));
    }
    provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
      spanProcessors: [processor],
    });
    trace.setGlobalTracerProvider(provider);
  }

  let stopped = false;
  const telemetry: Telemetry = {
    provider,
    memoryExporter,
    forceFlush: async () => {
      await provider?.forceFlush();
    },
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      if (active === telemetry) active = undefined;
      try {
        await provider?.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
  active = telemetry;
  return telemetry;
}
