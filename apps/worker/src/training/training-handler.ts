import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TRAINING_SERVICE, type JobPayload, type TrainingParams } from '@easel/contracts';
import type { JobsRepository } from '@easel/db';
import { probePython, runTrainer, TrainerFailedError, type TrainerEvent } from '@easel/engine-training';
import type { ModelCatalog, ModelEntry, TrainedModel } from '@easel/model-store';
import type { ArtifactStore } from '@easel/storage';
import type { DiffusionGeneration } from '../diffusion/diffusion-generation';
import { loadInputImage } from '../inputs/input-image';
import { PermanentJobError, type JobContext, type JobOutput, type ServiceHandler } from '../service-handler';
import { watchForCancellation } from '../cancellation-watch';
import { generateClassImages } from './class-images';
import { toTrainerPixels, trainerMode, TrainingWorkspace } from './training-workspace';

export interface TrainingHandlerOptions {
  home: string;
  catalog: ModelCatalog & { addTrained?(model: TrainedModel): Promise<ModelEntry> };
  store: ArtifactStore;
  jobs: JobsRepository;
  generation: () => DiffusionGeneration;
  fetchAllowHosts: readonly string[];
  python?: string;
  threads: number;
  checkpointEvery: number;
  /** The bus's ack wait: the heartbeat beats well within it. */
  ackWaitMs: number;
  log?: (line: string) => void;
}

/**
 * Training jobs from the bus: prepares the trainer's folder (instance images, class images, the
 * last checkpoint), runs the trainer, relays its progress and checkpoints, and registers the model
 * it made for the job's tenant only. The service owns the job's life; the trainer only computes.
 */
export class TrainingHandler implements ServiceHandler {
  readonly service = TRAINING_SERVICE;

  constructor(private readonly options: TrainingHandlerOptions) {}

  async run(payload: JobPayload, context: JobContext): Promise<JobOutput> {
    const params = payload.params as unknown as TrainingParams;
    let last = { step: 0, total: params.maxTrainSteps, loss: undefined as number | undefined, eta: undefined as number | undefined, log: [] as readonly string[] };
    const report = () => context.progress(last.step, last.total, undefined, undefined, {
      eta: last.eta,
      loss: last.loss,
      record: { step: last.step, total: last.total, loss: last.loss ?? null, log: [...last.log] },
    });
    // From the first moment: keeps the delivery alive while no step is reported (the probe, loading,
    // class images, a slow step, export), or the bus hands the training to a second worker meanwhile.
    const heartbeat = setInterval(report, Math.max(250, Math.min(10_000, this.options.ackWaitMs / 3)));
    const watch = watchForCancellation(this.options.jobs, payload.jobId, context.signal);
    const workspace = new TrainingWorkspace(this.options.home, payload.tenantId, payload.jobId, this.options.store);
    let finished = false;
    try {
      const probe = await probePython(this.options.python);
      if (probe.python === null) throw new PermanentJobError(probe.problem, undefined, 'unavailable');
      const { catalog } = this.options;
      if (!catalog.addTrained) throw new PermanentJobError('This deployment has no model store to keep trained models in.', undefined, 'unavailable');
      const base = await catalog.find(payload.tenantId, params.baseModelId);
      if (!base || base.category !== 'stable_diffusion')
        throw new PermanentJobError(`The base model ${params.baseModelId} is not a Stable Diffusion model this key may use.`, 'base_model_id');
      const root = (await catalog.materialize?.(base)) ?? base.location;
      await workspace.create();
      const size = await trainingResolution(root);
      const resumed = await workspace.restoreCheckpoint();
      const instance = await Promise.all(
        params.images.map(async (image) => toTrainerPixels(await loadInputImage('images', image, this.options.fetchAllowHosts), size)),
      );
      const classPrompt = params.kind === 'fine_tune' ? params.classPrompt : null;
      const classImages =
        classPrompt && params.classImages > 0
          ? await generateClassImages(
              this.options.generation(),
              { tenantId: payload.tenantId, modelId: params.baseModelId, prompt: classPrompt, negativePrompt: params.negativePrompt, size, count: params.classImages, seed: params.seed },
              watch.signal,
              report,
            ).then((pngs) => Promise.all(pngs.map((png) => toTrainerPixels(png, size))))
          : [];
      await workspace.writeJob({
        mode: trainerMode(params),
        base_model: root,
        base_model_id: params.baseModelId,
        resolution: size,
        instance_images: await workspace.writeImages('instance', instance),
        instance_prompt: params.instancePrompt,
        class_prompt: classImages.length > 0 ? classPrompt : null,
        class_images: await workspace.writeImages('class', classImages),
        max_train_steps: params.maxTrainSteps,
        learning_rate: params.learningRate,
        seed: params.seed,
        batch_size: 4,
        lora_type: params.loraType,
        rank: params.rank,
        checkpoint_every: this.options.checkpointEvery,
        threads: this.options.threads,
      });
      let stored = Promise.resolve();
      let resumedFrom = 0;
      const onEvent = (event: TrainerEvent) => {
        if (event.event === 'progress') {
          last = { ...last, step: event.step, total: event.total, loss: event.loss, eta: event.eta_seconds };
          report();
        } else if (event.event === 'checkpoint') {
          // In order, one at a time: the stored checkpoint is always a whole one.
          stored = stored
            .then(() => workspace.storeCheckpoint())
            .then(() => this.options.log?.(`training ${payload.jobId}: checkpoint at step ${event.step} stored`))
            .catch((error: Error) => this.options.log?.(`training ${payload.jobId}: checkpoint not stored: ${error.message}`));
        } else if (event.event === 'loaded' && event.resumed_from > 0) {
          resumedFrom = event.resumed_from;
          this.options.log?.(`training ${payload.jobId} resumes at step ${event.resumed_from} of ${event.total}${resumed ? '' : ' (local checkpoint)'}`);
        }
      };
      const done = await runTrainer({
        python: probe.python,
        workDir: workspace.dir,
        signal: watch.signal,
        onEvent,
        onLog: (_line, tail) => {
          last = { ...last, log: tail };
        },
      }).catch((error: unknown) => {
        if (error instanceof TrainerFailedError && !error.retryable) {
          throw new PermanentJobError(`The training failed: ${error.message}\n${error.logTail.slice(-10).join('\n')}`, undefined, 'training_failed');
        }
        throw error;
      });
      await stored;
      const category = params.kind === 'fine_tune' ? 'stable_diffusion' : 'lora';
      const output = workspace.output(category === 'lora' ? 'lora.safetensors' : 'model');
      const model = await catalog
        .addTrained!({ tenantId: payload.tenantId, modelId: params.modelId, category, path: output, source: `training:${payload.jobId}` })
        .catch((error: Error) => {
          throw new PermanentJobError(`The trained model could not be registered as ${params.modelId}: ${error.message}`, 'model_id');
        });
      finished = true;
      const files = category === 'lora' ? [{ body: await readFile(output), contentType: 'application/octet-stream', extension: 'safetensors' }] : [];
      return {
        result: {
          training_status: 'model_ready',
          model_id: model.modelId,
          base_model_id: params.baseModelId,
          category,
          steps: done.steps,
          resumed_from_step: resumedFrom,
          loss: done.loss,
          train_seconds: done.seconds,
          log: [...last.log],
        },
        files,
      };
    } catch (error) {
      if (error instanceof PermanentJobError || (error as { retryable?: unknown }).retryable === false) finished = true;
      throw error;
    } finally {
      clearInterval(heartbeat);
      watch.stop();
      // A retryable failure keeps the folder and the stored checkpoint for the next delivery.
      if (finished) await workspace.remove().catch(() => undefined);
    }
  }
}

/** The square side the model was trained at: its VAE's sample_size (SD 1.5: 512; easel-tiny: 128). */
async function trainingResolution(root: string): Promise<number> {
  for (const file of ['vae_encoder/config.json', 'vae_decoder/config.json']) {
    const config = await readFile(join(root, file), 'utf8').then((t) => JSON.parse(t) as { sample_size?: unknown }, () => null);
    if (config && typeof config.sample_size === 'number' && config.sample_size >= 64) return config.sample_size;
  }
  return 512;
}
