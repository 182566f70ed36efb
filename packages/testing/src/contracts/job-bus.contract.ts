import type { JobBus, JobDelivery, JobEvent, ModelEviction } from '@easel/jobs';
import { randomUUID } from 'node:crypto';
import { eventually, sleep } from '../wait';

export interface JobBusContractOptions {
  /** A fresh bus per test; service names are made unique per test so buses may share a server. */
  create(): Promise<JobBus>;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** The behaviour every JobBus implementation must show; run it once per implementation. */
export function jobBusContract(name: string, options: JobBusContractOptions): void {
  describe(`JobBus contract: ${name}`, () => {
    let bus: JobBus;
    let service: string;
    beforeEach(async () => {
      bus = await options.create();
      service = `svc${randomUUID().slice(0, 8)}`;
    });
    afterEach(async () => {
      await bus.close();
    });

    it('delivers a published job with its payload and headers to a consumer, once', async () => {
      const got: JobDelivery[] = [];
      await bus.consume(service, 'default', async (d) => void got.push(d));
      await bus.publish({ id: 'job-1', service, pool: 'default', payload: bytes('hello'), headers: { traceparent: 'x' } });
      await eventually(() => expect(got).toHaveLength(1));
      expect(text(got[0].payload)).toBe('hello');
      expect(got[0].headers.traceparent).toBe('x');
      expect(got[0].deliveryCount).toBe(1);
      await sleep(200);
      expect(got).toHaveLength(1);
    });

    it('keeps jobs published before any consumer exists, and counts them as pending', async () => {
      for (let i = 0; i < 3; i++) await bus.publish({ id: `early-${i}`, service, pool: 'default', payload: bytes(`${i}`) });
      await eventually(async () => expect(await bus.pending(service, 'default')).toBe(3));
      const got: string[] = [];
      await bus.consume(service, 'default', async (d) => void got.push(text(d.payload)));
      await eventually(() => expect(got.sort()).toEqual(['0', '1', '2']));
      await eventually(async () => expect(await bus.pending(service, 'default')).toBe(0));
    });

    it('treats a second publish with the same id as a duplicate', async () => {
      const got: string[] = [];
      await bus.consume(service, 'default', async (d) => void got.push(d.id));
      expect((await bus.publish({ id: 'same', service, pool: 'default', payload: bytes('a') })).duplicate).toBe(false);
      expect((await bus.publish({ id: 'same', service, pool: 'default', payload: bytes('a') })).duplicate).toBe(true);
      await eventually(() => expect(got).toEqual(['same']));
      await sleep(200);
      expect(got).toEqual(['same']);
    });

    it('keeps pools apart', async () => {
      const got: string[] = [];
      await bus.consume(service, 'gpu-a', async (d) => void got.push(`a:${d.id}`));
      await bus.consume(service, 'gpu-b', async (d) => void got.push(`b:${d.id}`));
      await bus.publish({ id: 'j1', service, pool: 'gpu-b', payload: bytes('') });
      await eventually(() => expect(got).toEqual(['b:j1']));
    });

    it('shares jobs between competing consumers, each job to exactly one', async () => {
      const seen: string[] = [];
      const handler = async (d: JobDelivery) => {
        await sleep(5);
        seen.push(d.id);
      };
      await bus.consume(service, 'default', handler, { concurrency: 2 });
      await bus.consume(service, 'default', handler, { concurrency: 2 });
      const ids = Array.from({ length: 20 }, (_, i) => `c-${i}`);
      await Promise.all(ids.map((id) => bus.publish({ id, service, pool: 'default', payload: bytes(id) })));
      await eventually(() => expect(seen.length).toBe(20));
      expect(new Set(seen).size).toBe(20);
    });

    it('redelivers a job whose handler failed, with a higher delivery count', async () => {
      const counts: number[] = [];
      await bus.consume(
        service,
        'default',
        async (d) => {
          counts.push(d.deliveryCount);
          if (d.deliveryCount < 2) throw new Error('transient');
        },
        { retryDelayMs: 50, maxDeliver: 5 },
      );
      await bus.publish({ id: 'retry-me', service, pool: 'default', payload: bytes('') });
      await eventually(() => expect(counts).toEqual([1, 2]));
    });

    it('redelivers a job that was never acknowledged once the ack wait passes', async () => {
      const counts: number[] = [];
      await bus.consume(
        service,
        'default',
        async (d) => {
          counts.push(d.deliveryCount);
          if (d.deliveryCount === 1) await new Promise(() => undefined); // a worker that hangs or died
        },
        { ackWaitMs: 1_000, concurrency: 2 },
      );
      await bus.publish({ id: 'stuck', service, pool: 'default', payload: bytes('') });
      await eventually(() => expect(counts).toEqual([1, 2]), 10_000);
    });

    it('does not redeliver a long job that keeps reporting progress', async () => {
      const counts: number[] = [];
      await bus.consume(
        service,
        'default',
        async (d) => {
          counts.push(d.deliveryCount);
          for (let i = 0; i < 6; i++) {
            await sleep(300);
            await d.inProgress();
          }
        },
        { ackWaitMs: 1_000, concurrency: 2 },
      );
      await bus.publish({ id: 'long', service, pool: 'default', payload: bytes('') });
      await sleep(2_600);
      expect(counts).toEqual([1]);
    });

    it('sends a job to the dead letter after the maximum deliveries', async () => {
      const dead: Array<{ id: string; deliveries: number }> = [];
      bus.onDeadLetter(async (message, deliveries) => void dead.push({ id: message.id, deliveries }));
      await bus.consume(
        service,
        'default',
        async () => {
          throw new Error('always fails');
        },
        { retryDelayMs: 20, maxDeliver: 3 },
      );
      await bus.publish({ id: 'poison', service, pool: 'default', payload: bytes('') });
      await eventually(() => expect(dead).toEqual([{ id: 'poison', deliveries: 3 }]));
    });

    it('lets a draining consumer finish the job in hand and take no new ones', async () => {
      const finished: string[] = [];
      const consumer = await bus.consume(service, 'default', async (d) => {
        await sleep(300);
        finished.push(d.id);
      });
      await bus.publish({ id: 'first', service, pool: 'default', payload: bytes('') });
      await sleep(100);
      const drained = consumer.drain();
      await bus.publish({ id: 'second', service, pool: 'default', payload: bytes('') });
      await drained;
      expect(finished).toEqual(['first']);
      await eventually(async () => expect(await bus.pending(service, 'default')).toBe(1));
    });

    it('routes job events to the subscribers of that job and to wildcard subscribers', async () => {
      const mine: JobEvent[] = [];
      const all: JobEvent[] = [];
      const jobA = `${service}-a`;
      await bus.subscribeEvents(jobA, (e) => mine.push(e));
      await bus.subscribeEvents('*', (e) => all.push(e));
      await bus.publishEvent({ jobId: jobA, type: 'progress', data: bytes('1/20') });
      await bus.publishEvent({ jobId: `${service}-b`, type: 'result', data: bytes('done') });
      await eventually(() => expect(all.filter((e) => e.jobId.startsWith(service))).toHaveLength(2));
      expect(mine.map((e) => [e.type, text(e.data)])).toEqual([['progress', '1/20']]);
    });

    it('stops delivering events after unsubscribe', async () => {
      const got: JobEvent[] = [];
      const jobId = `${service}-u`;
      const sub = await bus.subscribeEvents(jobId, (e) => got.push(e));
      await bus.publishEvent({ jobId, type: 'progress', data: bytes('1') });
      await eventually(() => expect(got).toHaveLength(1));
      await sub.unsubscribe();
      await bus.publishEvent({ jobId, type: 'progress', data: bytes('2') });
      await sleep(200);
      expect(got).toHaveLength(1);
    });

    it('broadcasts a model eviction to every subscriber, until it unsubscribes', async () => {
      const a: ModelEviction[] = [];
      const b: ModelEviction[] = [];
      const location = `/models/${service}`;
      const subA = await bus.subscribeModelEvictions((e) => void (e.location === location && a.push(e)));
      await bus.subscribeModelEvictions(async (e) => void (e.location === location && b.push(e)));
      await bus.publishModelEviction({ location, deleted: false });
      await eventually(() => expect([a, b]).toEqual([[{ location, deleted: false }], [{ location, deleted: false }]]));
      await subA.unsubscribe();
      await bus.publishModelEviction({ location, deleted: true });
      await eventually(() => expect(b).toHaveLength(2));
      await sleep(200);
      expect(a).toHaveLength(1);
      expect(b[1]).toEqual({ location, deleted: true });
    });

    it('keeps delivering evictions after a subscriber throws', async () => {
      const got: string[] = [];
      const location = `/models/${service}-throws`;
      await bus.subscribeModelEvictions(() => {
        throw new Error('cannot unload');
      });
      await bus.subscribeModelEvictions((e) => void (e.location.startsWith(location) && got.push(e.location)));
      await bus.publishModelEviction({ location: `${location}-1`, deleted: false });
      await bus.publishModelEviction({ location: `${location}-2`, deleted: false });
      await eventually(() => expect(got).toEqual([`${location}-1`, `${location}-2`]));
    });
  });
}
