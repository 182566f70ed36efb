import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, InvalidApiKeyError } from '../common/api-errors';
import { isJsonObject } from '../common/json-body';
import { ApiKeysService } from './api-keys.service';
import type { Principal, Scope } from './principal';

const SCOPE_KEY = 'easel:scope';
/** The scope a route needs; `generate` when not said. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);

export type AuthenticatedRequest = FastifyRequest & { principal: Principal; body: Record<string, unknown> };

/** The dialect's authentication: a JSON body whose `key` field is a live API key. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!isJsonObject(request.body)) throw new InvalidApiKeyError(400);
    const principal = await this.keys.authenticate(request.body.key);
    const scope =
      this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, [context.getHandler(), context.getClass()]) ??
      'generate';
    if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
      throw new ForbiddenError(`This key lacks the ${scope} scope`);
    }
    request.principal = principal;
    return true;
  }
}
