import { CHAT_SERVICE, chatCredits, type ChatParams, type JobPayload } from '@easel/contracts';
import type { JobsRepository } from '@easel/db';
import { watchForCancellation } from '../cancellation-watch';
import type { JobContext, JobOutput, ServiceHandler } from '../service-handler';
import type { ChatCompletions } from './chat-completions';

/** How often a running reply checks its row: a cancelled or abandoned reply frees its sequence this soon. */
const CANCEL_POLL_MS = 500;

/**
 * `chat` jobs from the bus: the reply's text goes out as progress events while it is generated
 * (the gateway streams them), the whole reply is the job's result. A reply the gateway ended
 * (its client left) stops within CANCEL_POLL_MS.
 */
export class ChatHandler implements ServiceHandler {
  readonly service = CHAT_SERVICE;

  constructor(
    private readonly chat: ChatCompletions,
    private readonly jobs?: JobsRepository,
  ) {}

  async run(payload: JobPayload, context: JobContext): Promise<JobOutput> {
    const params = payload.params as unknown as ChatParams;
    const watch = this.jobs ? watchForCancellation(this.jobs, payload.jobId, context.signal, CANCEL_POLL_MS) : null;
    const signal = watch?.signal ?? context.signal;
    try {
      const reply = await this.chat.complete(payload.tenantId, params, {
        signal,
        onText: (text, tokens) => context.progress(Math.min(tokens, params.maxTokens), params.maxTokens, undefined, undefined, { text }),
      });
      // Stopped by shutdown: handed back to the bus (retryable); by the gateway: the job has ended already.
      if (reply.finishReason === 'cancelled') throw signal.reason ?? new Error('the reply was interrupted');
      return {
        result: reply as unknown as Record<string, unknown>,
        files: [],
        creditsUsed: chatCredits(reply.promptTokens + reply.completionTokens),
      };
    } finally {
      watch?.stop();
    }
  }

  close(): Promise<void> {
    return this.chat.close();
  }
}
