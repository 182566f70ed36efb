import type { Artifact, PrismaClient } from '../generated/prisma/client';

export class ArtifactsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The artifact behind a public link's token, expired or not (the caller tells the two apart). */
  findByToken(token: string): Promise<Artifact | null> {
    return this.prisma.artifact.findUnique({ where: { token } });
  }

  /** The artifact behind a public link, unless it has expired. */
  async findLive(token: string, now = new Date()): Promise<Artifact | null> {
    const artifact = await this.findByToken(token);
    if (!artifact || (artifact.expiresAt && artifact.expiresAt <= now)) return null;
    return artifact;
  }
}
