import type { FastifyInstance } from 'fastify';
import { checkJsonBody } from './body-guard';

/** What a request body becomes when it is not a JSON object; the key guard answers it with the dialect's shape. */
export class UnreadableBody {
  constructor(readonly reason: 'not-json' | 'content-type') {}
}

/** JSON is UTF-8 (RFC 8259): other bytes make the body unreadable, never text with U+FFFD in it. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The dialect answers a wrong content type or malformed JSON with its "Invalid Api Key"
 * shape, so parsing never fails at the HTTP layer: the body is marked and judged later.
 * A JSON body that no handler may read (text PostgreSQL refuses, nesting past the limit) is
 * refused here with the dialect's validation error, before any field of it is used.
 */
export function installJsonBodyParsing(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(utf8.decode(body as Buffer));
    } catch {
      done(null, new UnreadableBody('not-json'));
      return;
    }
    const refused = checkJsonBody(parsed);
    if (refused) done(refused);
    else done(null, parsed);
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => {
    done(null, new UnreadableBody('content-type'));
  });
}

export function isJsonObject(body: unknown): body is Record<string, unknown> {
  return (
    typeof body === 'object' && body !== null && !Array.isArray(body) && !(body instanceof UnreadableBody)
  );
}
