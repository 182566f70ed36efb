// How the JetStream consumer's pulls behave when this process is too busy to keep time
// (other suites, a model loading). Needs NATS with JetStream at NATS_URL (default 127.0.0.1:4222).
import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { parseDeliveryCount } from './jetstream-delivery';
import { JetStreamJobBus } from './jetstream-job-bus';
import type { JobBus } from './job-bus';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const streamPrefix = `test-${randomUUID().slice(0, 8)}-`;
const bytes = (text: string) => new TextEncoder().encode(text);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Holds the event loop, as a CPU-bound neighbour does: timers and socket reads fall behind together. */
function busy(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin
  }
}

async function eventually(assertion: () => unknown, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return void assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

describe('JetStreamConsumer under a starved event loop', () => {
  let bus: JobBus;
  let service: string;
  beforeEach(async () => {
    bus = await JetStreamJobBus.connect({ servers: NATS_URL, streamPrefix, pullExpiresMs: 1_000 });
    service = `svc${randomUUID().slice(0, 8)}`;
  });
  afterEach(async () => {
    await bus.close();
  });
  afterAll(async () => {
    const connection = await connect({ servers: NATS_URL });
    const manager = await connection.jetstreamManager();
    for await (const name of manager.streams.names()) {
      if (name.startsWith(streamPrefix)) await manager.streams.delete(name);
    }
    await connection.close();
  });

  it('takes the redelivery the server sent while the process was stalled', async () => {
    // The redelivery lands in the open pull while the loop is held; when the loop runs again
    // the pull's client-side half-way timer is overdue. A consumer that gives the pull up
    // before reading its socket drops the job, which then waits out another ack wait (count 3).
    // Known limit: a stall longer than the pull expiry lets the waiting pull expire on the
    // server before the redelivery is due, and NATS < 2.10 then re-sends the job as a first
    // delivery (count 1). The job row's conditional transitions keep it from being settled
    // twice; only the compute is wasted. The stall here stays below the 1 s pull expiry.
    const counts: number[] = [];
    await bus.consume(
      service,
      'default',
      async (d) => {
        counts.push(d.deliveryCount);
        if (d.deliveryCount > 1) return;
        setTimeout(() => busy(800), 50);
        await new Promise(() => undefined); // the first worker hangs
      },
      { ackWaitMs: 1_000, concurrency: 2 },
    );
    await bus.publish({ id: 'stalled', service, pool: 'default', payload: bytes('') });
    await eventually(() => expect(counts).toEqual([1, 2]), 6_000);
    await sleep(1_500);
    expect(counts).toEqual([1, 2]);
  });

  it('keeps a long job that reports progress from being redelivered across a stall', async () => {
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
    await sleep(400);
    busy(600);
    await sleep(2_000);
    expect(counts).toEqual([1]);
  });
});

describe('parseDeliveryCount', () => {
  it('reads the count from both ack subject layouts', () => {
    expect(parseDeliveryCount('$JS.ACK.orders.pool-default.3.17.20.1700000000000000000.0')).toBe(3);
    expect(
      parseDeliveryCount('$JS.ACK._.ACCHASH.orders.pool-default.2.17.20.1700000000000000000.0.token'),
    ).toBe(2);
    expect(() => parseDeliveryCount('_INBOX.abc')).toThrow(/not a JetStream ack subject/);
  });
});
