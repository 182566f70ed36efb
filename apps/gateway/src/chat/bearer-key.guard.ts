import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { InvalidApiKeyError } from '../common/api-errors';
import { isJsonObject } from '../common/json-body';
import type { AuthenticatedRequest } from '../keys/api-key.guard';
import { ApiKeysService } from '../keys/api-keys.service';

/**
 * OpenAI's authentication on the OpenAI-shaped routes: `Authorization: Bearer <key>` with an Easel
 * API key (the body's `key` also works, as on every other route). Needs the `generate` scope.
 */
@Injectable()
export class BearerKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
    if (request.method !== 'GET' && !isJsonObject(request.body)) throw new InvalidApiKeyError(400);
    const principal = await this.keys.authenticate(bearer ?? (isJsonObject(request.body) ? request.body.key : undefined));
    if (!principal.scopes.includes('generate') && !principal.scopes.includes('admin')) throw new InvalidApiKeyError(401);
    request.principal = principal;
    return true;
  }
}
