/**
 * Group commit: calls that arrive while a batch is being written wait, and go together in the next
 * write, so under load N jobs cost one round trip and one commit (one WAL flush) instead of N. A
 * call that finds nothing in flight is written at once: no timer, no latency added when idle.
 * `write` answers one result per item, in order. When a batch's write throws, each of its items is
 * written again alone, so that one bad item (a value the database refuses) fails only its own call,
 * and a database that is down fails each call with its own error. For writes that must not run twice,
 * `canWriteAlone` says which errors leave the batch surely unwritten (a statement the database refused);
 * on any other (the connection cut while the answer was on its way) every call gets the error.
 */
export class GroupCommit<In, Out> {
  private readonly waiting: Array<{ item: In; resolve(out: Out): void; reject(error: unknown): void }> = [];
  private writing = false;

  constructor(
    private readonly write: (items: In[]) => Promise<Out[]>,
    private readonly maxBatch = 64,
    private readonly canWriteAlone: (error: unknown) => boolean = () => true,
  ) {}

  run(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        const out = await this.write(batch.map((call) => call.item));
        batch.forEach((call, i) => call.resolve(out[i]!));
      } catch (error) {
        if (batch.length === 1 || !this.canWriteAlone(error)) for (const call of batch) call.reject(error);
        else for (const call of batch) await this.write([call.item]).then(([out]) => call.resolve(out!), call.reject);
      }
    }
    this.writing = false;
  }
}
