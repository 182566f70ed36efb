import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { artifactFileName, artifactTokenFor } from '@easel/contracts';
import { ArtifactsRepository, type Database } from '@easel/db';
import type { ArtifactStore } from '@easel/storage';
import { NotFoundError } from '../common/api-errors';
import { ARTIFACT_STORE, DATABASE } from '../tokens';

const FILE = /^(\d+)-(\d+)\.([a-z]+)$/;

/**
 * Serves generated files at `/output/<job token>/<job>-<i>.<ext>` (the `output` and
 * `future_links` URLs). The job token is random per job, so a link is the capability to read it.
 */
@Controller('output')
export class OutputController {
  private readonly artifacts: ArtifactsRepository;

  constructor(
    @Inject(DATABASE) db: Database,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {
    this.artifacts = new ArtifactsRepository(db.prisma);
  }

  @Get(':token/:file')
  async get(@Param('token') token: string, @Param('file') file: string, @Res() reply: FastifyReply) {
    const match = FILE.exec(file);
    if (!match) throw new NotFoundError('Not found');
    const [, jobId, index, extension] = match;
    const artifact = await this.artifacts.findLive(artifactTokenFor(token, Number(index)));
    if (!artifact || artifactFileName(artifact.jobId, artifact.index, extension) !== file || !artifact.storageKey.endsWith(`.${extension}`) || String(artifact.jobId) !== jobId) {
      throw new NotFoundError('Not found');
    }
    const { body, info } = await this.store.get(artifact.storageKey);
    return reply
      .header('content-type', info.contentType)
      .header('content-length', info.size)
      .header('cache-control', artifact.expiresAt ? 'private, no-store' : 'public, max-age=31536000, immutable')
      .send(body);
  }
}
