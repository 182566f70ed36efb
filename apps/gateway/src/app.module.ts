import { DynamicModule, Global, Module } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import type { Database } from '@easel/db';
import type { JobBus } from '@easel/jobs';
import type { ModelCatalog, ModelStore } from '@easel/model-store';
import type { ArtifactStore } from '@easel/storage';
import { BillingModule } from './billing/billing.module';
import { EnterpriseModule } from './enterprise/enterprise.module';
import { ControlNetModule } from './controlnet/controlnet.module';
import { GenerationModule } from './generation/generation.module';
import { ImageEditingModule } from './image-editing/image-editing.module';
import { ModelsModule } from './models/models.module';
import { HealthModule } from './health/health.module';
import { JobEventsModule } from './jobs/job-events.module';
import { JobListModule } from './jobs/job-list.module';
import { JobsModule } from './jobs/jobs.module';
import { KeysModule } from './keys/keys.module';
import { MetricsModule } from './metrics/metrics.module';
import { OpenApiModule } from './openapi/openapi.module';
import { PlaygroundModule } from './playground/playground.module';
import { RetentionModule } from './retention/retention.module';
import { SystemModule } from './system/system.module';
import { TenantsModule } from './tenants/tenants.module';
import { TrainingModule } from './training/training.module';
import { ChatModule } from './chat/chat.module';
import { VideoModule } from './video/video.module';
import { MeshModule } from './mesh/mesh.module';
import { VoiceModule } from './voice/voice.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ARTIFACT_STORE, CONFIG, DATABASE, JOB_BUS, MODEL_CATALOG, MODEL_STORE, TRAINER_PROBLEM } from './tokens';

/** The adapters a gateway runs on: embedded or distributed implementations of the same interfaces. */
export interface GatewayDependencies {
  config: EaselConfig;
  db: Database;
  bus: JobBus;
  store: ArtifactStore;
  catalog: ModelCatalog;
  /** Where load_model / delete_model register models (usually the same object as `catalog`); without it they answer 501. */
  modelStore?: ModelStore;
  /** Embedded mode: why the in-process worker cannot train, or null (checked when a training is requested). */
  trainerProblem?: () => Promise<string | null>;
}

@Global()
@Module({})
class AdaptersModule {
  static register(deps: GatewayDependencies): DynamicModule {
    const providers = [
      { provide: CONFIG, useValue: deps.config },
      { provide: DATABASE, useValue: deps.db },
      { provide: JOB_BUS, useValue: deps.bus },
      { provide: ARTIFACT_STORE, useValue: deps.store },
      { provide: MODEL_CATALOG, useValue: deps.catalog },
      ...(deps.modelStore ? [{ provide: MODEL_STORE, useValue: deps.modelStore }] : []),
      ...(deps.trainerProblem ? [{ provide: TRAINER_PROBLEM, useValue: deps.trainerProblem }] : []),
    ];
    return { module: AdaptersModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
export class AppModule {
  static register(deps: GatewayDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AdaptersModule.register(deps),
        HealthModule,
        KeysModule,
        BillingModule,
        TenantsModule,
        JobsModule,
        JobEventsModule,
        JobListModule,
        SystemModule,
        GenerationModule,
        ImageEditingModule,
        ControlNetModule,
        TrainingModule,
        ChatModule,
        VideoModule,
        MeshModule,
        VoiceModule,
        ModelsModule,
        EnterpriseModule,
        WebhooksModule,
        OpenApiModule,
        PlaygroundModule,
        MetricsModule,
        RetentionModule,
      ],
    };
  }
}
