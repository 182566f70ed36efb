import { openEmbeddedDatabase } from '../embedded-database';
import { applyMigrations } from '../migrate';
import type { Database } from '../database';
import { StoredVoiceExistsError, StoredVoicesRepository } from './stored-voices.repository';

describe('StoredVoicesRepository (embedded)', () => {
  let db: Database;
  let voices: StoredVoicesRepository;

  beforeAll(async () => {
    db = await openEmbeddedDatabase();
    await applyMigrations(db.sql);
    voices = new StoredVoicesRepository(db.prisma);
  });
  afterAll(() => db.close());

  const tenant = async () => (await db.prisma.tenant.create({ data: { name: `t${Math.random()}` } })).id;
  const voice = (tenantId: string, voiceId: string) => ({ tenantId, voiceId, name: voiceId, storageKey: `voices/${tenantId}/${voiceId}.wav`, seconds: 5.25 });

  it("keeps each tenant's voices to itself: another tenant neither finds, lists nor deletes them", async () => {
    const [a, b] = [await tenant(), await tenant()];
    await voices.create(voice(a, 'narrator'));
    expect((await voices.find(a, 'narrator'))?.storageKey).toBe(`voices/${a}/narrator.wav`);
    expect(await voices.find(b, 'narrator')).toBeNull();
    expect(await voices.list(b)).toEqual([]);
    expect(await voices.remove(b, 'narrator')).toBeNull();
    expect((await voices.list(a)).map((v) => [v.voiceId, Number(v.seconds)])).toEqual([['narrator', 5.25]]);
    // The same id is free in another tenant.
    await voices.create(voice(b, 'narrator'));
  });

  it('refuses a second voice of the same id in a tenant and forgets a deleted one', async () => {
    const a = await tenant();
    await voices.create(voice(a, 'host'));
    await expect(voices.create(voice(a, 'host'))).rejects.toBeInstanceOf(StoredVoiceExistsError);
    expect((await voices.remove(a, 'host'))?.voiceId).toBe('host');
    expect(await voices.find(a, 'host')).toBeNull();
    expect(await voices.remove(a, 'host')).toBeNull();
  });
});
