/**
 * The worker's generation slots, shared by its bus jobs and its direct gRPC calls, so that
 * GetCapacity reports both and a gRPC Generate is refused while queued jobs fill the worker.
 * Bus jobs always take a slot (JetStream already limits how many a worker holds; refusing one
 * would only delay it); gRPC calls take one only when one is free.
 */
export class GenerationSlots {
  private used = 0;

  constructor(readonly total: number) {
    if (!Number.isInteger(total) || total < 1) throw new Error('generation slots must be an integer ≥ 1');
  }

  get busy(): number {
    return this.used;
  }

  /** Takes a slot if one is free. */
  tryAcquire(): boolean {
    if (this.used >= this.total) return false;
    this.used++;
    return true;
  }

  /** Takes a slot even when none is free (a job the bus already handed over). */
  acquire(): void {
    this.used++;
  }

  release(): void {
    if (this.used > 0) this.used--;
  }
}
