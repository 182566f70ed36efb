import { parentPort } from 'node:worker_threads';
import { serializeError, type Reply, type Request } from './protocol';
import { currentCall, relaySpans } from './span-relay';

export interface CallContext {
  /** Sent to the caller's `onProgress`. */
  progress(value: unknown): void;
  /** Aborted when the caller's signal is. */
  signal: AbortSignal;
}

export type EngineMethods = Record<string, (args: never, context: CallContext) => Promise<unknown>>;

/** The engine thread's side: answers each call with its method's result (or error). */
export function serveEngine(methods: EngineMethods): void {
  const port = parentPort;
  if (!port) throw new Error('serveEngine runs on an engine thread');
  const send = (reply: Reply) => port.postMessage(reply);
  const running = new Map<number, AbortController>();
  relaySpans((id, span) => send({ type: 'span', id, span }));
  port.on('message', (request: Request) => {
    if (request.type === 'abort') return running.get(request.id)?.abort();
    const { id, method, args } = request;
    const controller = new AbortController();
    running.set(id, controller);
    const context: CallContext = {
      progress: (value) => send({ type: 'progress', id, value }),
      signal: controller.signal,
    };
    const fn = methods[method];
    const call = fn
      ? currentCall.run(id, () => fn(args[0] as never, context))
      : Promise.reject(new Error(`the engine thread has no method ${method}`));
    call
      .then(
        (value) => send({ type: 'result', id, value }),
        (error: unknown) => send({ type: 'error', id, error: serializeError(error) }),
      )
      .finally(() => running.delete(id));
  });
}

/** A line for the calling side's log (`EngineThreadOptions.log`), e.g. an engine's warnings. */
export function logToCaller(message: string): void {
  parentPort?.postMessage({ type: 'log', message } satisfies Reply);
}
