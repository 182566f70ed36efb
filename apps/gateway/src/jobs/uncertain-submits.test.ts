import type { Job } from '@easel/db';
import { ConcurrencyLimitError, InsufficientCreditsError } from '@easel/db';
import { isUncertainSubmitError, UncertainSubmits, type UnstartedJobs } from './uncertain-submits';

const job = (id: number) => ({ id }) as Job;
const until = async (done: () => boolean) => {
  for (let waited = 0; !done() && waited < 5_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
};

describe('UncertainSubmits', () => {
  it('asks for the jobs written while the failed submit ran (with a clock margin) and publishes each', async () => {
    const asked: Array<[Date, Date]> = [];
    const published: number[] = [];
    const jobs: UnstartedJobs = {
      unstartedCreatedBetween: async (from, to) => {
        asked.push([from, to]);
        return [job(7), job(8)];
      },
    };
    const sweeps = new UncertainSubmits(jobs, async (j) => void published.push(j.id), 10);
    const startedAt = Date.now();
    sweeps.note(startedAt, startedAt + 500);
    await until(() => published.length === 2);
    expect(published).toEqual([7, 8]);
    expect(asked).toHaveLength(1);
    expect(asked[0]![0].getTime()).toBeLessThan(startedAt);
    expect(asked[0]![1].getTime()).toBeGreaterThan(startedAt + 500);
    await new Promise((r) => setTimeout(r, 50));
    expect(asked).toHaveLength(1); // done: no further sweeps
    sweeps.close();
  });

  it('keeps trying while the database or the bus does not answer', async () => {
    let failures = 2;
    const published: number[] = [];
    const jobs: UnstartedJobs = {
      unstartedCreatedBetween: async () => {
        if (failures-- > 0) throw new Error('the database system is starting up');
        return [job(3)];
      },
    };
    let busDown = true;
    const sweeps = new UncertainSubmits(jobs, async (j) => {
      if (busDown) {
        busDown = false;
        throw new Error('NATS connection closed');
      }
      published.push(j.id);
    }, 10);
    sweeps.note(Date.now());
    await until(() => published.length === 1);
    expect(published).toEqual([3]);
    sweeps.close();
  });

  it('treats refusals as clear answers and anything else as uncertain', () => {
    expect(isUncertainSubmitError(new InsufficientCreditsError())).toBe(false);
    expect(isUncertainSubmitError(new ConcurrencyLimitError(1, 1))).toBe(false);
    expect(isUncertainSubmitError(new Error('Connection terminated unexpectedly'))).toBe(true);
  });
});
