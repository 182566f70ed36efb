import { Injectable } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service';

/** Seconds a job is assumed to take before any has finished. */
const FIRST_JOB_GUESS_SECONDS = 5;

@Injectable()
export class SystemService {
  constructor(private readonly jobs: JobsService) {}

  /** `{"queue_num":n,"queue_time":seconds,"status":"ok"}`: jobs not yet ended and the time to work through them. */
  async load() {
    const [queueNum, mean] = await Promise.all([
      this.jobs.repository.countUnfinished(),
      this.jobs.repository.recentMeanSeconds(),
    ]);
    const queueTime = Math.round(queueNum * (mean ?? FIRST_JOB_GUESS_SECONDS) * 100) / 100;
    return { queue_num: queueNum, queue_time: queueTime, status: 'ok' };
  }
}
