import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { QueryKeyGuard, type KeyedGetRequest } from '../keys/query-key.guard';
import { JobListService, type JobList } from './job-list.service';

/** Easel's addition: the tenant's recent jobs, for the playground's gallery and for scripts. */
@Controller()
@UseGuards(QueryKeyGuard)
export class JobListController {
  constructor(private readonly jobs: JobListService) {}

  @Get('api/v3/jobs')
  list(@Req() req: KeyedGetRequest, @Query() query: Record<string, unknown>): Promise<JobList> {
    return this.jobs.list(req.principal.tenantId, query);
  }
}
