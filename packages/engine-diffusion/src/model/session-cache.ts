/**
 * An LRU of loaded values bounded by an estimated byte budget (for models: the sum of the
 * .onnx file sizes, a fair estimate of CPU/GPU memory for fp32 weights). Loading past the
 * budget evicts the least recently used entries; an entry in use (see `acquire`) is
 * disposed only when its last user releases it. The newest entry is never evicted, so one
 * model larger than the budget still loads.
 */
export interface CacheEntry<T> {
  value: T;
  bytes: number;
  users: number;
  evicted: boolean;
}

export class ByteBudgetLru<T> {
  private readonly entries = new Map<string, CacheEntry<T>>();
  private readonly pending = new Map<string, Promise<CacheEntry<T>>>();

  constructor(
    public budgetBytes: number,
    private readonly dispose: (value: T) => Promise<void> | void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    let b = 0;
    for (const e of this.entries.values()) b += e.bytes;
    return b;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The cached value (marked most recently used), or load it. Concurrent loads of one key share one promise. */
  async get(key: string, load: () => Promise<{ value: T; bytes: number }>): Promise<T> {
    return (await this.entry(key, load)).value;
  }

  /** Like `get`, but holds the entry until the returned release function is called. */
  async acquire(key: string, load: () => Promise<{ value: T; bytes: number }>): Promise<{ value: T; release: () => Promise<void> }> {
    const e = await this.entry(key, load);
    e.users++;
    let done = false;
    return {
      value: e.value,
      release: async () => {
        if (done) return;
        done = true;
        e.users--;
        if (e.evicted && e.users === 0) await this.dispose(e.value);
      },
    };
  }

  private async entry(key: string, load: () => Promise<{ value: T; bytes: number }>): Promise<CacheEntry<T>> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    let p = this.pending.get(key);
    if (!p) {
      p = (async () => {
        const { value, bytes } = await load();
        const e: CacheEntry<T> = { value, bytes, users: 0, evicted: false };
        this.entries.set(key, e);
        await this.evict(key);
        return e;
      })();
      this.pending.set(key, p);
      p.finally(() => this.pending.delete(key)).catch(() => undefined);
    }
    return p;
  }

  private async evict(keep: string): Promise<void> {
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      if (k === keep) continue;
      this.entries.delete(k);
      e.evicted = true;
      if (e.users === 0) await this.dispose(e.value);
    }
  }

  /** Drop one entry (disposed now, or when its last user releases it). */
  async delete(key: string): Promise<boolean> {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    e.evicted = true;
    if (e.users === 0) await this.dispose(e.value);
    return true;
  }

  async clear(): Promise<void> {
    for (const k of [...this.entries.keys()]) await this.delete(k);
  }
}
