import { VIDEO_EXTENSIONS, VIDEO_SERVICE, type JobPayload, type VideoParams } from '@easel/contracts';
import type { JobContext, JobOutput, ServiceHandler } from '../service-handler';
import type { VideoGeneration } from './video-generation';

/** `text2video` / `img2video` jobs from the bus: a progress event per denoising step and per decoded frame. */
export class VideoHandler implements ServiceHandler {
  readonly service = VIDEO_SERVICE;

  constructor(private readonly video: VideoGeneration) {}

  async run(payload: JobPayload, context: JobContext): Promise<JobOutput> {
    const params = payload.params as unknown as VideoParams;
    const { result, video, mimeType } = await this.video.run(payload.tenantId, params, {
      signal: context.signal,
      onProgress: (e) => context.progress(e.step, e.total, undefined, e.phase),
    });
    return {
      result: result as unknown as Record<string, unknown>,
      files: [{ body: video, contentType: mimeType, extension: VIDEO_EXTENSIONS[result.outputType] }],
    };
  }
}
