import type { FastifyInstance } from 'fastify';
import { ValidationError } from './api-errors';

/** Stored in a unique index (tenant, key): PostgreSQL refuses index rows over ~2.7 kB with a 500. */
export const MAX_IDEMPOTENCY_KEY_CHARACTERS = 255;

/**
 * The Idempotency-Key header is checked once for every route that reads it. Node's HTTP parser
 * already refuses NUL and other control characters in header values, and decodes the rest as
 * Latin-1, so its length is all that is left to bound.
 */
export function installIdempotencyKeyCheck(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request) => {
    const value = request.headers['idempotency-key'];
    if (typeof value === 'string' && value.length > MAX_IDEMPOTENCY_KEY_CHARACTERS) {
      throw new ValidationError({
        'Idempotency-Key': [
          `The Idempotency-Key header must not be greater than ${MAX_IDEMPOTENCY_KEY_CHARACTERS} characters.`,
        ],
      });
    }
  });
}
