import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { WebhooksRepository, type Database } from '@easel/db';
import { NotFoundError, ValidationError } from '../common/api-errors';
import { parseFetchId } from '../common/request/fetch-id';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import { DATABASE } from '../tokens';

/** `{key, id}` or `{key, request_id}`: a job's webhook deliveries, for the key's own tenant. */
@Controller()
@UseGuards(ApiKeyGuard)
export class WebhookLogsController {
  private readonly repository: WebhooksRepository;

  constructor(@Inject(DATABASE) db: Database) {
    this.repository = new WebhooksRepository(db.prisma);
  }

  @Post('api/v3/webhook_logs')
  @HttpCode(200)
  async logs(@Req() req: AuthenticatedRequest) {
    const { id: rawId } = req.body;
    // `id` is read as fetch reads a path id (number or numeric string); without it, `request_id`.
    const asPathId =
      rawId === undefined || rawId === null
        ? undefined
        : typeof rawId === 'string' || typeof rawId === 'number'
          ? String(rawId)
          : 'not a number';
    const id = parseFetchId(asPathId, req.body);
    if (!id.ok) throw new ValidationError(id.errors);
    const deliveries = await this.repository.logForJob(req.principal.tenantId, id.value);
    if (!deliveries) throw new NotFoundError('Request not found');
    return {
      status: 'success',
      id: id.value,
      deliveries: deliveries.map((d) => ({
        id: d.id,
        url: d.url,
        event: 'job.ended',
        status: d.status,
        attempts: d.attempts,
        last_status_code: d.lastStatusCode,
        last_error: d.lastError,
        next_attempt_at: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
        created_at: d.createdAt.toISOString(),
        delivered_at: d.deliveredAt?.toISOString() ?? null,
        // What was sent; null until the first attempt builds it.
        payload:
          d.payload !== null && typeof d.payload === 'object' && Object.keys(d.payload).length === 0
            ? null
            : d.payload,
      })),
    };
  }
}
