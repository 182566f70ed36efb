import { retryOnDeadlock } from './deadlock-retry';

const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

describe('retryOnDeadlock', () => {
  it('runs the statement again after PostgreSQL picked it as a deadlock victim', async () => {
    let calls = 0;
    const answer = await retryOnDeadlock(async () => {
      calls++;
      if (calls < 3) throw deadlock();
      return 'row';
    });
    expect(answer).toBe('row');
    expect(calls).toBe(3);
  });

  it('gives up after the last attempt with the deadlock error', async () => {
    let calls = 0;
    await expect(retryOnDeadlock(async () => { calls++; throw deadlock(); }, 2)).rejects.toMatchObject({ code: '40P01' });
    expect(calls).toBe(2);
  });

  it('never repeats a statement that failed for another reason', async () => {
    let calls = 0;
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(retryOnDeadlock(async () => { calls++; throw unique; })).rejects.toBe(unique);
    expect(calls).toBe(1);
  });
});
