import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '../common/api-errors';
import { ApiKeysService } from './api-keys.service';
import type { Principal } from './principal';

export type KeyedGetRequest = FastifyRequest & { principal: Principal };

/** The key of a GET request: `Authorization: Bearer <key>`, else the `key` query parameter. */
export function keyOfGetRequest(request: FastifyRequest): unknown {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (bearer) return bearer[1];
  return (request.query as Record<string, unknown> | undefined)?.key;
}

/**
 * Authentication for GET routes a browser opens directly (EventSource cannot send a body or
 * headers): the key as a Bearer token or a `key` query parameter, with the `generate` scope.
 */
@Injectable()
export class QueryKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<KeyedGetRequest>();
    const principal = await this.keys.authenticate(keyOfGetRequest(request));
    if (!principal.scopes.includes('generate') && !principal.scopes.includes('admin')) {
      throw new ForbiddenError('This key lacks the generate scope');
    }
    request.principal = principal;
    return true;
  }
}
