import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PlaygroundFilesService } from './playground-files.service';

/** A page to try the API in a browser: forms built from /openapi.json, live progress over SSE. */
@Controller()
export class PlaygroundController {
  constructor(private readonly files: PlaygroundFilesService) {}

  @Get(['', 'playground'])
  async page(@Res() reply: FastifyReply) {
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await this.files.page());
  }

  @Get('playground/assets/:name')
  async asset(@Param('name') name: string, @Res() reply: FastifyReply) {
    const { body, type } = await this.files.asset(name);
    return reply.type(type).header('cache-control', 'no-cache').send(body);
  }
}
