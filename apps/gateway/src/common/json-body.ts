import type { FastifyInstance } from 'fastify';

/** What a request body becomes when it is not a JSON object; the key guard answers it with the dialect's shape. */
export class UnreadableBody {
  constructor(readonly reason: 'not-json' | 'content-type') {}
}

/**
 * The dialect answers a wrong content type or malformed JSON with its "Invalid Api Key"
 * shape, so parsing never fails at the HTTP layer: the body is marked and judged later.
 */
export function installJsonBodyParsing(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(null, new UnreadableBody('not-json'));
    }
  });
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, _body, done) => {
    done(null, new UnreadableBody('content-type'));
  });
}

export function isJsonObject(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && !(body instanceof UnreadableBody);
}
