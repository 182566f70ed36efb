import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { JobPayloadSchema } from './gen/easel/jobs/v1/job_pb';
import { serviceOfKind } from './services';
import { fromVoiceRequest, toVoiceRequest } from './voice-proto';
import type { VoiceParams } from './voice';

const cloning: VoiceParams = {
  kind: 'text_to_audio',
  prompt: 'Hello from Easel.',
  modelId: null,
  voice: null,
  voiceKey: null,
  initAudio: 'https://example.com/reference.wav',
  targetAudio: null,
  language: 'english',
  speed: 1.5,
  emotion: 'happy',
  seed: 42,
  outputFormat: 'mp3',
  temp: false,
};

describe('the voice contract', () => {
  it('carries a request through a job payload on the bus unchanged', () => {
    const payload = create(JobPayloadSchema, { jobId: 7n, tenantId: 't', kind: 'text_to_audio', request: { case: 'voice', value: toVoiceRequest(cloning, { tenantId: 't' }) } });
    const back = fromBinary(JobPayloadSchema, toBinary(JobPayloadSchema, payload));
    expect(back.request.case).toBe('voice');
    expect(fromVoiceRequest(back.request.value as never)).toEqual(cloning);
    expect(serviceOfKind('voice_to_voice')).toBe('voice');
  });

  it('refuses a request no voice could speak', () => {
    expect(() => fromVoiceRequest(toVoiceRequest({ ...cloning, prompt: '  ' }))).toThrow(/no prompt/);
    expect(() => fromVoiceRequest(toVoiceRequest({ ...cloning, kind: 'voice_to_voice', initAudio: null }))).toThrow(/init_audio/);
    expect(() => fromVoiceRequest(toVoiceRequest({ ...cloning, kind: 'voice_to_voice', targetAudio: null }))).toThrow(/target voice/);
    expect(() => fromVoiceRequest(toVoiceRequest({ ...cloning, speed: 3 }))).toThrow(/speed 3/);
    expect(() => fromVoiceRequest(toVoiceRequest({ ...cloning, outputFormat: 'ogg' as never }))).toThrow(/output_format/);
  });
});
