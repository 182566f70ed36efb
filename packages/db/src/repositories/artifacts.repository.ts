import type { Artifact, PrismaClient } from '../generated/prisma/client';

export class ArtifactsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The artifact behind a public link, unless it has expired. */
  async findLive(token: string, now = new Date()): Promise<Artifact | null> {
    const artifact = await this.prisma.artifact.findUnique({ where: { token } });
    if (!artifact || (artifact.expiresAt && artifact.expiresAt <= now)) return null;
    return artifact;
  }
}
