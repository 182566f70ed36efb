import type { VoiceParams, VoiceResult } from '@easel/contracts';
import { isUrl } from '../common/meta-values';
import { storedRequest } from '../jobs/job-message';
import type { JobWithArtifacts } from '../jobs/job-responses';

/** `meta` of a finished voice job: the options as the public API echoes them (the seed drawn, the voice resolved), then what the engine made. */
export function voiceMeta(job: JobWithArtifacts): Record<string, unknown> {
  const p = storedRequest(job).params as unknown as VoiceParams & { voiceId?: string | null };
  const r = job.result as unknown as VoiceResult;
  return {
    prompt: p.prompt,
    ...(p.initAudio !== null ? { init_audio: isUrl(p.initAudio) ? p.initAudio : null } : {}),
    ...(p.targetAudio !== null ? { target_audio: isUrl(p.targetAudio) ? p.targetAudio : null } : {}),
    voice_id: p.voiceId ?? null,
    voice: r.voice,
    model_id: r.modelId,
    language: p.language,
    speed: p.speed,
    emotion: p.emotion,
    output_format: r.outputFormat,
    seed: r.seed,
    temp: p.temp ? 'yes' : 'no',
    audio_time: r.audioTime,
    sample_rate: r.sampleRate,
    generation_time: r.generationTime,
    timings: r.timings,
  };
}
