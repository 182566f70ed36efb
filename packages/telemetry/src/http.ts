import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { extractTraceContext } from './propagation';
import { easelTracer, recordFailure } from './spans';

/** The parts of a Fastify request, reply and instance the hooks use (structural: no Fastify dependency here). */
export interface HttpRequestLike {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  routeOptions?: { url?: string };
}
export interface HttpReplyLike {
  statusCode: number;
}
type Done = (error?: Error) => void;
export interface FastifyLike {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  addHook(name: string, hook: (...args: any[]) => unknown): unknown;
}

/**
 * One SERVER span per HTTP request (`POST /api/v3/text2img`), child of the caller's
 * `traceparent` when it sends one, and active while the route handler runs, so the spans the
 * handler starts (the job's `publish`) join the request's trace. Register it on the Fastify
 * instance before the application adds its own hooks.
 */
export function registerHttpTracing(fastify: FastifyLike): void {
  const spans = new WeakMap<object, Span>();
  const tracer = easelTracer('@easel/gateway');

  fastify.addHook('onRequest', (request: HttpRequestLike, _reply: HttpReplyLike, done: Done) => {
    const headers: Record<string, string> = {};
    for (const name of ['traceparent', 'tracestate']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const route = request.routeOptions?.url;
    const path = request.url.split('?')[0];
    const span = tracer.startSpan(
      `${request.method} ${route ?? path}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'url.path': path, ...(route ? { 'http.route': route } : {}) },
      },
      extractTraceContext(headers, ROOT_CONTEXT),
    );
    spans.set(request, span);
    done();
  });

  // The rest of the request (later hooks, the handler and everything it awaits) runs in the span's context.
  fastify.addHook('preHandler', (request: HttpRequestLike, _reply: HttpReplyLike, done: Done) => {
    const span = spans.get(request);
    if (!span) return done();
    context.with(trace.setSpan(context.active(), span), done);
  });

  fastify.addHook('onError', (request: HttpRequestLike, _reply: HttpReplyLike, error: Error, done: Done) => {
    const span = spans.get(request);
    if (span) recordFailure(span, error);
    done();
  });

  const end = (request: HttpRequestLike, reply: HttpReplyLike | undefined) => {
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    if (reply) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  fastify.addHook('onResponse', (request: HttpRequestLike, reply: HttpReplyLike, done: Done) => {
    end(request, reply);
    done();
  });
  fastify.addHook('onRequestAbort', (request: HttpRequestLike, done: Done) => {
    end(request, undefined);
    done();
  });
}
