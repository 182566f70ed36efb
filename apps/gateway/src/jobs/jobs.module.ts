import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LimitsModule } from '../limits/limits.module';
import { AdmissionLeasesService } from './admission-leases.service';
import { JobSubmissionService } from './job-submission.service';
import { JobViewService } from './job-view.service';
import { JobsService } from './jobs.service';
import { PoolRouter } from './pool-router';
import { ServiceRegistry } from './service-registry';

/** Jobs of every service: the registry of service definitions, submission, views, the bus and pool routing. */
@Module({
  imports: [DiscoveryModule, LimitsModule],
  providers: [AdmissionLeasesService, JobsService, JobViewService, JobSubmissionService, ServiceRegistry, PoolRouter],
  exports: [JobsService, JobViewService, JobSubmissionService, ServiceRegistry, PoolRouter],
})
export class JobsModule {}
