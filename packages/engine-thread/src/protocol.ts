import type { RelayedSpan } from './span-relay';

/** Main thread → engine thread. */
export type Request =
  { type: 'call'; id: number; method: string; args: unknown[] } | { type: 'abort'; id: number };

/** Engine thread → main thread. */
export type Reply =
  | { type: 'progress'; id: number; value: unknown }
  | { type: 'span'; id: number; span: RelayedSpan }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'log'; message: string };

/** An error as it crosses threads: its class name, message, stack and own fields (`code`, `field`, ...). */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}
