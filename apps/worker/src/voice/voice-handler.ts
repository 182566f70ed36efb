import { VOICE_SERVICE, type JobPayload, type VoiceParams } from '@easel/contracts';
import type { JobContext, JobOutput, ServiceHandler } from '../service-handler';
import type { VoiceGeneration } from './voice-generation';

/** text_to_audio / text_to_speech / voice_to_voice jobs from the bus, billed by the second of audio they made. */
export class VoiceHandler implements ServiceHandler {
  readonly service = VOICE_SERVICE;

  constructor(
    private readonly voice: VoiceGeneration,
    private readonly creditsPerSecond: number,
  ) {}

  async run(payload: JobPayload, context: JobContext): Promise<JobOutput> {
    const params = payload.params as unknown as VoiceParams;
    const { result, file } = await this.voice.run(payload.tenantId, params, {
      signal: context.signal,
      onProgress: (e) => context.progress(e.step, e.total, undefined, e.phase),
    });
    const creditsUsed = Math.round(result.audioTime * this.creditsPerSecond * 10_000) / 10_000;
    return { result: result as unknown as Record<string, unknown>, files: [file], creditsUsed };
  }
}
