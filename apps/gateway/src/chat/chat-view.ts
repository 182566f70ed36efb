import { CHAT_CONTEXT_OVERFLOW, type ChatParams, type ChatReply } from '@easel/contracts';
import { storedRequest } from '../jobs/job-message';
import { failedBody, processingBody, type DialectResponse, type JobWithArtifacts } from '../jobs/job-responses';

export const CHAT_FETCH_PATH = '/api/v6/llm/fetch';

/**
 * A chat job as uncensored_chat answers it: `message` is the reply, `meta` what it was asked and
 * what was done (seed, finish_reason), `usage` its tokens. A conversation too long for the model is
 * the dialect's 422 on `messages`; a reply still being written is `processing`, fetched at CHAT_FETCH_PATH.
 */
export function chatBody(job: JobWithArtifacts, publicUrl: string, eta: number): DialectResponse {
  if (job.status === 'queued' || job.status === 'running') return processingBody(job, publicUrl, eta, CHAT_FETCH_PATH);
  if (job.status === 'failed') {
    if (job.error?.startsWith(CHAT_CONTEXT_OVERFLOW)) return { httpStatus: 422, body: { status: 'error', message: { messages: [job.error] } } };
    return failedBody(job);
  }
  const params = storedRequest(job).params as unknown as ChatParams;
  const reply = job.result as unknown as ChatReply;
  return {
    httpStatus: 200,
    body: {
      status: 'success',
      id: job.id,
      message: reply.text,
      generationTime: Math.round(reply.seconds * 1000) / 1000,
      finish_reason: reply.finishReason,
      usage: { prompt_tokens: reply.promptTokens, completion_tokens: reply.completionTokens, total_tokens: reply.promptTokens + reply.completionTokens },
      meta: {
        model_id: reply.modelId,
        max_tokens: params.maxTokens,
        temperature: params.temperature,
        top_p: params.topP,
        presence_penalty: params.presencePenalty,
        frequency_penalty: params.frequencyPenalty,
        stop: params.stop,
        seed: reply.seed,
        first_token_seconds: Math.round(reply.firstTokenSeconds * 1000) / 1000,
        created: Math.floor((job.finishedAt ?? job.createdAt).getTime() / 1000),
      },
      ...(job.trackId === null ? {} : { track_id: job.trackId }),
    },
  };
}
