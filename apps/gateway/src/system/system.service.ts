import { Injectable } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service';

@Injectable()
export class SystemService {
  constructor(private readonly jobs: JobsService) {}

  /** `{"queue_num":n,"queue_time":seconds,"status":"ok"}`: jobs not yet ended and the time to work through them. */
  async load() {
    const { jobs, jobSeconds } = await this.jobs.queueEstimate();
    return { queue_num: jobs, queue_time: Math.round(jobs * jobSeconds * 100) / 100, status: 'ok' };
  }
}
