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

  it("a gateway's model eviction reaches every worker process of its deployment, and no other", async () => {
    const [gateway, workerA, workerB] = [await newBus(), await newBus(), await newBus()];
    const other = await JetStreamJobBus.connect({ servers: NATS_URL, streamPrefix: `${streamPrefix}other-` });
    buses.push(other);
    const seen: string[] = [];
    await workerA.subscribeModelEvictions((e) => void seen.push(`a ${e.location} ${e.deleted}`));
    await workerB.subscribeModelEvictions((e) => void seen.push(`b ${e.location} ${e.deleted}`));
    await other.subscribeModelEvictions((e) => void seen.push(`other ${e.location}`));
    await gateway.publishModelEviction({ location: 'artifact:models/t/m/1', deleted: true });
    await eventually(() => expect(seen.sort()).toEqual(['a artifact:models/t/m/1 true', 'b artifact:models/t/m/1 true']));
    await sleep(200);
    expect(seen).toHaveLength(2);
  });
});

describe('JetStreamJobBus: two deployments (stream prefixes) on one server', () => {
  const prefixes = [`${streamPrefix}a-`, `${streamPrefix}b-`];
  const buses: JetStreamJobBus[] = [];
  let service: string;
  const connectAs = async (prefix: string) => {
    const bus = await JetStreamJobBus.connect({ servers: NATS_URL, streamPrefix: prefix, pullExpiresMs: 1_000 });
    buses.push(bus);
    return bus;
  };
  beforeEach(() => {
    service = `svc${randomUUID().slice(0, 8)}`; // the same service name in both deployments
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  it('names streams and subjects with the prefix', async () => {
    const bus = await connectAs(prefixes[0]);
    const connection = await connect({ servers: NATS_URL });
    try {
      const seen: string[] = [];
      for (const root of ['jobs', 'events']) connection.subscribe(`${prefixes[0]}${root}.>`, { callback: (_error, message) => seen.push(message.subject) });
      await connection.flush();
      await bus.publish({ id: '7', service, pool: 'gpu', payload: bytes('p') });
      await bus.publishEvent({ jobId: '7', type: 'progress', data: bytes('e') });
      await eventually(() => expect(seen).toEqual([`${prefixes[0]}jobs.${service}.gpu`, `${prefixes[0]}events.job.7`]));
      const info = await (await connection.jetstreamManager()).streams.info(`${prefixes[0]}${service}`);
      expect(info.config.subjects).toEqual([`${prefixes[0]}jobs.${service}.*`]);
    } finally {
      await connection.close();
    }
  });

  it("never delivers, de-duplicates or counts the other's jobs, nor shows its events", async () => {
    const [a, b] = [await connectAs(prefixes[0]), await connectAs(prefixes[1])];
    const events: Record<string, string[]> = { a: [], b: [] };
    await a.subscribeEvents('*', (e) => void events.a.push(`${e.jobId}:${new TextDecoder().decode(e.data)}`));
    await b.subscribeEvents('*', (e) => void events.b.push(`${e.jobId}:${new TextDecoder().decode(e.data)}`));

    // Same job id, same service and pool: without prefixed subjects the second stream could not even be created.
    expect(await a.publish({ id: '1', service, pool: 'default', payload: bytes('for a') })).toEqual({ duplicate: false });
    expect(await b.publish({ id: '1', service, pool: 'default', payload: bytes('for b') })).toEqual({ duplicate: false });
    await a.publish({ id: '2', service, pool: 'default', payload: bytes('for a') });
    expect(await a.pending(service, 'default')).toBe(2);
    expect(await b.pending(service, 'default')).toBe(1);

    const got: Record<string, string[]> = { a: [], b: [] };
    await a.consume(service, 'default', async (d) => void got.a.push(`${d.id}:${new TextDecoder().decode(d.payload)}`));
    await b.consume(service, 'default', async (d) => void got.b.push(`${d.id}:${new TextDecoder().decode(d.payload)}`));
    await a.publishEvent({ jobId: '1', type: 'ended', data: bytes('a ended') });
    await b.publishEvent({ jobId: '1', type: 'ended', data: bytes('b ended') });
    await eventually(() => expect({ got, events }).toEqual({ got: { a: ['1:for a', '2:for a'], b: ['1:for b'] }, events: { a: ['1:a ended'], b: ['1:b ended'] } }));
    await sleep(300);
    expect({ got, events }).toEqual({ got: { a: ['1:for a', '2:for a'], b: ['1:for b'] }, events: { a: ['1:a ended'], b: ['1:b ended'] } });
  });

  it("leaves the other deployment's dead letters alone", async () => {
    const [a, b] = [await connectAs(prefixes[0]), await connectAs(prefixes[1])];
    const dead: Record<string, string[]> = { a: [], b: [] };
    a.onDeadLetter(async (message) => void dead.a.push(message.id));
    b.onDeadLetter(async (message) => void dead.b.push(message.id));
    await a.consume(service, 'default', async () => {
      throw new Error('always fails');
    }, { retryDelayMs: 20, maxDeliver: 1 });
    await a.publish({ id: 'poison', service, pool: 'default', payload: bytes('') });
    await eventually(() => expect(dead.a).toEqual(['poison']));
    await sleep(500);
    expect(dead).toEqual({ a: ['poison'], b: [] });
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
