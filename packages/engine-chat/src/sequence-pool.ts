/**
 * A fixed set of items (a context's sequences) lent one at a time: `take` waits for a free one, in
 * arrival order, and gives up when its signal aborts; `give` hands an item back.
 */
export class SequencePool<T> {
  private readonly free: T[];
  private readonly waiting: Array<{ resolve(item: T): void; reject(reason: unknown): void }> = [];

  constructor(items: T[]) {
    this.free = [...items];
  }

  get available(): number {
    return this.free.length;
  }

  take(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const item = this.free.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        resolve: (x: T) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(x);
        },
        reject,
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  give(item: T): void {
    const next = this.waiting.shift();
    if (next) next.resolve(item);
    else this.free.push(item);
  }
}
