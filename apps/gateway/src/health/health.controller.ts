import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { Database } from '@easel/db';
import { DATABASE } from '../tokens';

@Controller()
export class HealthController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The process is up. */
  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  /** The process can serve: its database answers. */
  @Get('readyz')
  async readyz() {
    try {
      await this.db.sql.query('SELECT 1');
    } catch {
      throw new ServiceUnavailableException('database unreachable');
    }
    return { status: 'ok' };
  }
}
