import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainingParams } from '@easel/contracts';
import type { ArtifactStore } from '@easel/storage';
import sharp from 'sharp';

export const CHECKPOINT_FILE = 'checkpoint.pt';

/** The trainer's job.json (trainer/README in @easel/engine-training). */
export interface TrainerJob {
  mode: 'lora' | 'dreambooth';
  base_model: string;
  base_model_id: string;
  resolution: number;
  instance_images: string[];
  instance_prompt: string;
  class_prompt: string | null;
  class_images: string[];
  max_train_steps: number;
  learning_rate: number;
  seed: number;
  batch_size: number;
  lora_type: string;
  rank: number;
  checkpoint_every: number;
  threads: number;
}

/** An image as the trainer reads it: a square centre crop, raw RGB, `size`×`size`. */
export async function toTrainerPixels(image: Buffer, size: number): Promise<Buffer> {
  return sharp(image).removeAlpha().resize(size, size, { fit: 'cover', position: 'centre' }).raw().toBuffer();
}

/**
 * One training's local folder (`<EASEL_HOME>/training/<job id>`) and its checkpoint in the artifact
 * store (`trainings/<tenant>/<job id>/checkpoint.pt`), so that a training redelivered to another
 * worker resumes where the last one checkpointed.
 */
export class TrainingWorkspace {
  readonly dir: string;
  private readonly checkpointKey: string;

  constructor(home: string, tenantId: string, jobId: number, private readonly store: ArtifactStore) {
    this.dir = join(home, 'training', String(jobId));
    this.checkpointKey = `trainings/${tenantId}/${jobId}/${CHECKPOINT_FILE}`;
  }

  async create(): Promise<void> {
    await mkdir(join(this.dir, 'images'), { recursive: true });
  }

  async writeImages(prefix: string, images: Buffer[]): Promise<string[]> {
    const names: string[] = [];
    for (const [i, pixels] of images.entries()) {
      const name = `images/${prefix}-${i}.rgb`;
      await writeFile(join(this.dir, name), pixels);
      names.push(name);
    }
    return names;
  }

  async writeJob(job: TrainerJob): Promise<void> {
    await writeFile(join(this.dir, 'job.json'), JSON.stringify(job, null, 2));
  }

  /** Brings the last stored checkpoint here, unless this folder has one already; true when resuming. */
  async restoreCheckpoint(): Promise<boolean> {
    const local = join(this.dir, CHECKPOINT_FILE);
    if (existsSync(local)) return true;
    if (!(await this.store.head(this.checkpointKey))) return false;
    await writeFile(local, await this.store.getBuffer(this.checkpointKey));
    return true;
  }

  async storeCheckpoint(): Promise<void> {
    const body = await readFile(join(this.dir, CHECKPOINT_FILE));
    await this.store.put(this.checkpointKey, body, { contentType: 'application/octet-stream' });
  }

  output(file: string): string {
    return join(this.dir, 'output', file);
  }

  /** The training ended for good (a model, or a failure that will not be retried). */
  async remove(): Promise<void> {
    await this.store.delete(this.checkpointKey).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

export const trainerMode = (p: TrainingParams): TrainerJob['mode'] => (p.kind === 'fine_tune' ? 'dreambooth' : 'lora');
