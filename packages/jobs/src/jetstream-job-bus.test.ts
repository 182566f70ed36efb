// What the shared contract (packages/testing) cannot express: several processes on one
// NATS server, one of them dying with a job in hand. Needs NATS with JetStream at
// NATS_URL (default 127.0.0.1:4222).
import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { JetStreamJobBus } from './jetstream-job-bus';
import type { JobBus, JobMessage } from './job-bus';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const streamPrefix = `test-${randomUUID().slice(0, 8)}-`;
const bytes = (text: string) => new TextEncoder().encode(text);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function eventually(assertion: () => unknown | Promise<unknown>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return void (await assertion());
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

describe('JetStreamJobBus across processes', () => {
  const buses: JobBus[] = [];
  let service: string;
  const newBus = async () => {
    const bus = await JetStreamJobBus.connect({ servers: NATS_URL, streamPrefix, pullExpiresMs: 1_000 });
    buses.push(bus);
    return bus;
  };
  /** A worker process that takes the job and then dies without acknowledging it. */
  const workerThatDies = async (options: { maxDeliver: number }) => {
    const bus = await newBus();
    let taken = false;
    await bus.consume(service, 'default', async () => {
      taken = true;
      await new Promise(() => undefined);
    }, { ackWaitMs: 1_000, ...options });
    return { bus, taken: () => taken };
  };

  beforeEach(() => {
    service = `svc${randomUUID().slice(0, 8)}`;
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });
  afterAll(async () => {
    const connection = await connect({ servers: NATS_URL });
    const manager = await connection.jetstreamManager();
    for await (const name of manager.streams.names()) {
      if (name.startsWith(streamPrefix)) await manager.streams.delete(name);
    }
    await connection.close();
  });

  it('keeps a job published by one process for a worker that connects later', async () => {
    const gateway = await newBus();
    await gateway.publish({ id: 'kept', service, pool: 'default', payload: bytes('p') });
    await gateway.close();
    const got: string[] = [];
    await (await newBus()).consume(service, 'default', async (d) => void got.push(d.id));
    await eventually(() => expect(got).toEqual(['kept']));
  });

  it('redelivers the job of a worker whose connection died to another worker', async () => {
    const gateway = await newBus();
    const dying = await workerThatDies({ maxDeliver: 3 });
    await gateway.publish({ id: 'orphan', service, pool: 'default', payload: bytes('work'), headers: { traceparent: 't' } });
    await eventually(() => expect(dying.taken()).toBe(true));
    await dying.bus.close();

    const got: Array<{ id: string; deliveryCount: number; traceparent: string }> = [];
    await (await newBus()).consume(
      service,
      'default',
      async (d) => void got.push({ id: d.id, deliveryCount: d.deliveryCount, traceparent: d.headers.traceparent }),
      { ackWaitMs: 1_000, maxDeliver: 3 },
    );
    await eventually(() => expect(got).toEqual([{ id: 'orphan', deliveryCount: 2, traceparent: 't' }]));
  });

  it('dead-letters once, and drops from the stream, a job whose worker died on its last delivery', async () => {
    const gateway = await newBus();
    const dead: Array<{ message: JobMessage; deliveries: number }> = [];
    gateway.onDeadLetter(async (message, deliveries) => void dead.push({ message, deliveries }));
    const dying = await workerThatDies({ maxDeliver: 1 });
    await gateway.publish({ id: 'last-try', service, pool: 'default', payload: bytes('work'), headers: { traceparent: 't' } });
    await eventually(() => expect(dying.taken()).toBe(true));
    await dying.bus.close();

    const other: string[] = [];
    await (await newBus()).consume(service, 'default', async (d) => void other.push(d.id), { ackWaitMs: 1_000, maxDeliver: 1 });
    await eventually(() => expect(dead).toHaveLength(1));
    expect(dead[0].deliveries).toBe(1);
    expect(dead[0].message).toMatchObject({ id: 'last-try', service, pool: 'default', headers: { traceparent: 't' } });
    expect(new TextDecoder().decode(dead[0].message.payload)).toBe('work');
    await sleep(1_500);
    expect(dead).toHaveLength(1);
    expect(other).toEqual([]);
    expect(await storedMessages(service)).toBe(0);
  });

  it('hands a job that kept failing to exactly one of several dead-letter listeners', async () => {
    const dead: string[] = [];
    const listeners = [await newBus(), await newBus()];
    for (const bus of listeners) bus.onDeadLetter(async (message) => void dead.push(message.id));
    const worker = await newBus();
    await worker.consume(service, 'default', async () => {
      throw new Error('always fails');
    }, { retryDelayMs: 20, maxDeliver: 2 });
    await worker.publish({ id: 'poison', service, pool: 'default', payload: bytes('') });
    await eventually(() => expect(dead).toEqual(['poison']));
    await sleep(1_500);
    expect(dead).toEqual(['poison']);
    expect(await storedMessages(service)).toBe(0);
  });

  it('refuses a service name that is not a single subject token', async () => {
    const bus = await newBus();
    await expect(bus.publish({ id: 'x', service: 'a.b', pool: 'default', payload: bytes('') })).rejects.toThrow(/invalid service/);
    await expect(bus.consume('svc', 'gpu.*', async () => undefined)).rejects.toThrow(/invalid pool/);
  });
});

async function storedMessages(service: string): Promise<number> {
  const connection = await connect({ servers: NATS_URL });
  try {
    const manager = await connection.jetstreamManager();
    return (await manager.streams.info(`${streamPrefix}${service}`)).state.messages;
  } finally {
    await connection.close();
  }
}
