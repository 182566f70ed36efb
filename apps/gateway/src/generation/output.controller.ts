import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ArtifactLinksService } from './artifact-links.service';

/**
 * Serves generated files at `/output/<job token>/<job>-<i>.<ext>` (the `output` and
 * `future_links` URLs): the file itself from the local store, a 302 to a fresh pre-signed
 * URL from S3. The random job token is the capability to read the job's files.
 */
@Controller('output')
export class OutputController {
  constructor(private readonly links: ArtifactLinksService) {}

  @Get(':token/:file')
  async get(@Param('token') token: string, @Param('file') file: string, @Res() reply: FastifyReply) {
    const link = await this.links.resolve(token, file);
    if (link.kind === 'redirect') {
      // The signed URL is short-lived: never let a cache keep the redirect longer than it.
      return reply.header('cache-control', 'private, no-store').redirect(link.url, 302);
    }
    return reply.header('content-type', link.contentType).header('content-length', link.size).header('cache-control', link.cacheControl).send(link.body);
  }
}
