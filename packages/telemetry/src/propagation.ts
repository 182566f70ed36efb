import { context, propagation, type Context } from '@opentelemetry/api';

/**
 * W3C trace context (`traceparent`, `tracestate`) of `from` (default: the active context) added
 * to a copy of `headers` — for NATS message headers (JobMessage.headers) and the like.
 * Without a registered propagator (telemetry not started) the headers come back unchanged.
 */
export function injectTraceHeaders(headers: Record<string, string> = {}, from: Context = context.active()): Record<string, string> {
  const out = { ...headers };
  propagation.inject(from, out);
  return out;
}

/** The context carried by `headers` (on top of `base`, default the active one), or `base` when they carry none. */
export function extractTraceContext(headers: Record<string, string> | undefined, base: Context = context.active()): Context {
  if (!headers) return base;
  // Header names are case-insensitive on some transports: the propagator asks for lower-case ones.
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return propagation.extract(base, lower);
}

/** The parts of grpc-js `Metadata` used here (kept structural: this package does not depend on grpc-js). */
export interface MetadataLike {
  getMap(): Record<string, unknown>;
  set(key: string, value: string): void;
}

/** Writes the trace context of `from` into gRPC call metadata (client side). */
export function injectTraceMetadata(metadata: MetadataLike, from: Context = context.active()): void {
  for (const [name, value] of Object.entries(injectTraceHeaders({}, from))) metadata.set(name, value);
}

/** The context carried by gRPC call metadata (server side). Binary (`-bin`) entries are ignored. */
export function extractTraceMetadata(metadata: MetadataLike | undefined, base: Context = context.active()): Context {
  if (!metadata) return base;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata.getMap())) if (typeof value === 'string') headers[name] = value;
  return extractTraceContext(headers, base);
}
