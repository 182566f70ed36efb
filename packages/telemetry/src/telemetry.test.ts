import { createServer, type IncomingMessage } from 'node:http';
import { context, SpanKind, trace } from '@opentelemetry/api';
import Fastify from 'fastify';
import { extractTraceContext, extractTraceMetadata, injectTraceHeaders, injectTraceMetadata, registerHttpTracing, startTelemetry, withSpan, type Telemetry } from './index';

describe('telemetry', () => {
  let telemetry: Telemetry | undefined;
  afterEach(async () => {
    await telemetry?.shutdown();
    telemetry = undefined;
  });

  it('memory: nested spans keep their parents across awaits, with the service name', async () => {
    telemetry = await startTelemetry({ serviceName: 'unit', exporter: 'memory' });
    await withSpan('outer', {}, async () => {
      await new Promise((r) => setTimeout(r, 5));
      await withSpan('inner', {}, async () => undefined);
    });
    await expect(withSpan('broken', {}, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    const spans = telemetry.memoryExporter!.getFinishedSpans();
    const outer = spans.find((s) => s.name === 'outer')!;
    const inner = spans.find((s) => s.name === 'inner')!;
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
    expect(outer.resource.attributes['service.name']).toBe('unit');
    expect(spans.find((s) => s.name === 'broken')!.status.code).toBe(2);
  });

  it('W3C headers carry the context from one side to the other (NATS headers, gRPC metadata)', async () => {
    telemetry = await startTelemetry({ serviceName: 'unit', exporter: 'memory' });
    const tracer = trace.getTracer('t');
    const producer = tracer.startSpan('publish', { kind: SpanKind.PRODUCER });
    const headers = injectTraceHeaders({ other: 'kept' }, trace.setSpan(context.active(), producer));
    expect(headers.other).toBe('kept');
    expect(headers.traceparent).toMatch(new RegExp(`^00-${producer.spanContext().traceId}-${producer.spanContext().spanId}-01$`));
    const remote = trace.getSpanContext(extractTraceContext({ TraceParent: headers.traceparent }));
    expect(remote).toMatchObject({ traceId: producer.spanContext().traceId, spanId: producer.spanContext().spanId, isRemote: true });
    producer.end();

    const map: Record<string, string> = {};
    const metadata = { getMap: () => map, set: (k: string, v: string) => void (map[k] = v) };
    injectTraceMetadata(metadata, trace.setSpan(context.active(), producer));
    expect(trace.getSpanContext(extractTraceMetadata(metadata))?.spanId).toBe(producer.spanContext().spanId);
    expect(trace.getSpanContext(extractTraceContext({}))).toBeUndefined();
  });

  it('none: no spans are recorded, but trace context still passes through', async () => {
    telemetry = await startTelemetry({ serviceName: 'unit', exporter: 'none' });
    expect(telemetry.provider).toBeUndefined();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const ctx = extractTraceContext({ traceparent });
    expect(injectTraceHeaders({}, ctx).traceparent).toBe(traceparent);
  });

  it('http: one server span per request, the caller\'s traceparent as parent, active in the handler', async () => {
    telemetry = await startTelemetry({ serviceName: 'unit', exporter: 'memory' });
    const app = Fastify();
    registerHttpTracing(app);
    app.post('/api/v3/things/:id', async () => {
      await new Promise((r) => setTimeout(r, 2));
      await withSpan('publish', { kind: SpanKind.PRODUCER }, async () => undefined);
      return { ok: true };
    });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const res = await app.inject({ method: 'POST', url: '/api/v3/things/7?x=1', headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` }, payload: {} });
    expect(res.statusCode).toBe(200);
    await app.close();
    const spans = telemetry.memoryExporter!.getFinishedSpans();
    const http = spans.find((s) => s.name === 'POST /api/v3/things/:id')!;
    expect(http.kind).toBe(SpanKind.SERVER);
    expect(http.spanContext().traceId).toBe(traceId);
    expect(http.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(http.attributes).toMatchObject({ 'http.response.status_code': 200, 'url.path': '/api/v3/things/7' });
    expect(spans.find((s) => s.name === 'publish')!.parentSpanContext?.spanId).toBe(http.spanContext().spanId);
  });

  it('otlp: spans are posted to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces', async () => {
    const received: { url?: string; body: Buffer }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      telemetry = await startTelemetry({ serviceName: 'unit-otlp', exporter: 'otlp', otlpEndpoint: `http://127.0.0.1:${port}/` });
      await withSpan('exported', {}, async () => undefined);
      await telemetry.forceFlush();
      expect(received).toHaveLength(1);
      expect(received[0].url).toBe('/v1/traces');
      const text = received[0].body.toString('latin1');
      expect(text).toContain('exported');
      expect(text).toContain('unit-otlp');
    } finally {
      await telemetry?.shutdown();
      await new Promise((r) => server.close(r));
    }
  });
});
