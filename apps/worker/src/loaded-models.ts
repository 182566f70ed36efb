/**
 * Models a service keeps loaded, by local path, the most recently used last: `get` loads one on its
 * first use (a failed load is tried again next time) and closes the least recently used beyond `max`.
 */
export class LoadedModels<T> {
  private readonly loaded = new Map<string, Promise<T>>();
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly load: (location: string) => Promise<T>,
    private readonly unload: (model: T) => Promise<unknown> | unknown,
    private readonly max: number,
  ) {}

  /** Remembers which model id a location is (what `ids` reports). */
  name(location: string, modelId: string): void {
    this.ids.set(location, modelId);
  }

  /** Ids of the models in memory. */
  modelIds(): string[] {
    return [...this.loaded.keys()].map((location) => this.ids.get(location) ?? location);
  }

  get(location: string): Promise<T> {
    const cached = this.loaded.get(location);
    if (cached) {
      this.loaded.delete(location);
      this.loaded.set(location, cached); // most recently used last
      return cached;
    }
    const loading = this.load(location);
    loading.catch(() => this.loaded.delete(location));
    this.loaded.set(location, loading);
    for (const [old, model] of this.loaded) {
      if (this.loaded.size <= this.max) break;
      this.loaded.delete(old);
      void model.then((m) => this.unload(m)).catch(() => undefined);
    }
    return loading;
  }

  async close(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(all.map((m) => m.then((x) => this.unload(x)).catch(() => undefined)));
  }
}
