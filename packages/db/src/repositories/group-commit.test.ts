import { GroupCommit } from './group-commit';

/** A GroupCommit whose first write waits for `release`, so that the calls made meanwhile queue; `writes` lists each write's items. */
function heldFirstWrite(answer: (items: number[]) => number[], canWriteAlone?: (error: unknown) => boolean) {
  const writes: number[][] = [];
  let release!: () => void;
  const firstHeld = new Promise<void>((resolve) => (release = resolve));
  const group = new GroupCommit<number, number>(async (items) => {
    writes.push(items);
    if (writes.length === 1) await firstHeld;
    return answer(items);
  }, 64, canWriteAlone);
  return { group, writes, release };
}

describe('GroupCommit', () => {
  it('writes a lone call at once, and the calls that arrive meanwhile together in the next write', async () => {
    const { group, writes, release } = heldFirstWrite((items) => items.map((n) => n * 10));
    const first = group.run(1);
    const later = [group.run(2), group.run(3), group.run(4)];
    expect(writes).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a batch at maxBatch', async () => {
    const writes: number[][] = [];
    const group = new GroupCommit<number, number>(async (items) => {
      writes.push(items);
      await new Promise((resolve) => setImmediate(resolve));
      return items;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => group.run(n)));
    expect(writes).toEqual([[1], [2, 3], [4, 5], [6]]);
  });

  it('writes the items of a failed batch again one by one: a bad item fails only its own call', async () => {
    const { group, writes, release } = heldFirstWrite((items) => {
      if (items.includes(13)) throw new Error('13 is refused');
      return items;
    });
    const first = group.run(1);
    const batch = [group.run(12), group.run(13), group.run(14)];
    release();
    expect(await first).toBe(1);
    expect(await Promise.allSettled(batch)).toEqual([
      { status: 'fulfilled', value: 12 },
      { status: 'rejected', reason: new Error('13 is refused') },
      { status: 'fulfilled', value: 14 },
    ]);
    expect(writes).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });

  it('rejects a lone call whose write failed, and goes on with the next batch', async () => {
    let fail = true;
    const group = new GroupCommit<number, number>(async (items) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (fail) {
        fail = false;
        throw new Error('connection lost');
      }
      return items;
    });
    const failed = group.run(1);
    const next = group.run(2);
    await expect(failed).rejects.toThrow('connection lost');
    expect(await next).toBe(2);
  });

  it('does not write a batch again when its error may have come after the commit (canWriteAlone): every call gets it', async () => {
    const refused = (error: unknown) => (error as Error).message.startsWith('refused');
    for (const [message, expected] of [
      ['refused: 13 is not a value', [[1], [12, 13, 14], [12], [13], [14]]],
      ['connection cut before the answer', [[1], [12, 13, 14]]],
    ] as const) {
      const { group, writes, release } = heldFirstWrite((items) => {
        if (items.includes(13)) throw new Error(message);
        return items;
      }, refused);
      const first = group.run(1);
      const batch = [group.run(12), group.run(13), group.run(14)];
      release();
      expect(await first).toBe(1);
      const settled = await Promise.allSettled(batch);
      expect(settled[1]).toEqual({ status: 'rejected', reason: new Error(message) });
      expect(settled.map((s) => s.status)).toEqual(message.startsWith('refused') ? ['fulfilled', 'rejected', 'fulfilled'] : ['rejected', 'rejected', 'rejected']);
      expect(writes).toEqual(expected);
    }
  });
});
