import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { context, type Context } from '@opentelemetry/api';
import type { Reply, Request, SerializedError } from './protocol';
import { replaySpan } from './span-relay';

/** A class whose instances an engine throws on purpose (rebuilt on this side with their fields). */
export type ErrorClass = abstract new (...args: never[]) => Error;

export interface EngineThreadOptions {
  /** The module the thread runs (it calls `serveEngine`): its .ts source under Jest, its .js when built. */
  module: string;
  /** Given to the thread module as `workerData.init` (settings; structured-cloneable). */
  init?: unknown;
  /** Error classes to rebuild by name, so callers' `instanceof` and `code`/`field` checks still hold. */
  errors?: readonly ErrorClass[];
  /** Where the thread's log lines go. */
  log?: (message: string) => void;
}

export interface CallOptions {
  onProgress?: (value: never) => void;
  signal?: AbortSignal;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onProgress?: (value: never) => void;
  /** The caller's context: the parent of the spans the engine ends during the call. */
  context: Context;
}

const ENTRY = join(__dirname, '..', 'thread-entry.cjs');

/**
 * One worker thread that holds an engine (its loaded models) and runs its calls, so that the
 * synchronous parts of inference (TensorFlow.js WASM kernels, tensor ↔ image loops, blending) never
 * block the calling thread's event loop. Started on the first call; restarted after a crash.
 */
export class EngineThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: EngineThreadOptions) {}

  call<T>(method: string, arg: unknown, options: CallOptions = {}): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => worker.postMessage({ type: 'abort', id } satisfies Request);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
        // An idle thread does not keep the process alive; a running call does.
        if (this.pending.size === 0) this.worker?.unref();
      };
      this.pending.set(id, {
        resolve: (value) => (done(), resolve(value as T)),
        reject: (error) => (done(), reject(error)),
        onProgress: options.onProgress,
        context: context.active(),
      });
      worker.ref();
      worker.postMessage({ type: 'call', id, method, args: [arg] } satisfies Request);
    });
  }

  /** Ends the thread (its models are freed with it); a later call starts a fresh one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(ENTRY, {
      workerData: { module: this.options.module, init: this.options.init },
    });
    worker.unref();
    worker.on('message', (reply: Reply) => this.onReply(reply));
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const p of [...this.pending.values()]) p.reject(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) =>
      fail(new Error(`the engine thread (${this.options.module}) exited with code ${code}`)),
    );
    this.worker = worker;
    return worker;
  }

  private onReply(reply: Reply): void {
    if (reply.type === 'log') return this.options.log?.(reply.message);
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (reply.type === 'progress') pending.onProgress?.(reply.value as never);
    else if (reply.type === 'span') replaySpan(reply.span, pending.context);
    else if (reply.type === 'result') pending.resolve(reply.value);
    else pending.reject(this.revive(reply.error));
  }

  private revive(data: SerializedError): Error {
    const type = this.options.errors?.find((t) => t.name === data.name);
    const error = type ? (Object.create(type.prototype) as Error) : new Error(data.message);
    Object.assign(error, { message: data.message, stack: data.stack }, data.fields);
    if (!type && data.name !== 'Error') error.name = data.name;
    return error;
  }
}

/** A Buffer over bytes that arrived from another thread (structured cloning turns Buffers into Uint8Arrays). */
export const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
