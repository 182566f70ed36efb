import { Prisma, type PrismaClient, type StoredVoice } from '../generated/prisma/client';

export type { StoredVoice };

/** The voice id is taken in this tenant already. */
export class StoredVoiceExistsError extends Error {
  constructor(readonly voiceId: string) {
    super(`a stored voice named ${voiceId} exists`);
    this.name = 'StoredVoiceExistsError';
  }
}

/** A tenant's stored voices (`stored_voices`): every read and write names the tenant, so another tenant's voice is never found. */
export class StoredVoicesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(input: { tenantId: string; voiceId: string; name: string; storageKey: string; seconds: number }): Promise<StoredVoice> {
    try {
      return await this.prisma.storedVoice.create({ data: input });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new StoredVoiceExistsError(input.voiceId);
      throw error;
    }
  }

  find(tenantId: string, voiceId: string): Promise<StoredVoice | null> {
    return this.prisma.storedVoice.findUnique({ where: { tenantId_voiceId: { tenantId, voiceId } } });
  }

  list(tenantId: string): Promise<StoredVoice[]> {
    return this.prisma.storedVoice.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
  }

  /** The voice removed, or null when this tenant has none of that id. */
  async remove(tenantId: string, voiceId: string): Promise<StoredVoice | null> {
    const found = await this.find(tenantId, voiceId);
    if (!found) return null;
    const { count } = await this.prisma.storedVoice.deleteMany({ where: { id: found.id, tenantId } });
    return count === 1 ? found : null;
  }
}
