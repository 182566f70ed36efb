import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { EaselConfig } from '@easel/config';
import { CHAT_KIND, type ChatKind } from '@easel/contracts';
import type { JobBus } from '@easel/jobs';
import { ApiError } from '../common/api-errors';
import { openAiError } from '../common/openai-error';
import { JobSubmissionService } from '../jobs/job-submission.service';
import type { DialectResponse } from '../jobs/job-responses';
import { JobViewService } from '../jobs/job-view.service';
import { JobsService } from '../jobs/jobs.service';
import { openSse, type SseSink } from '../jobs/sse-sink';
import type { Principal } from '../keys/principal';
import { CONFIG, JOB_BUS } from '../tokens';
import { readOneFlag } from '../common/request/read-one-flag';
import { CHAT_FIELDS } from './chat-fields';
import { chunkBody, completionBody, summaryOf, usageChunk } from './openai-shapes';
import { ReplyFollower } from './reply-follower';

/** Which answers a route gives: the dialect's (uncensored_chat) or OpenAI's (/v1/chat/completions...). */
export type ChatShape = 'dialect' | 'openai';

/** The reply is still being written when the route's window closed (OpenAI's shapes have no `processing`). */
class ReplyTimeoutError extends ApiError {
  readonly httpStatus = 504;
  constructor(readonly fetchResult: string) {
    super('The reply is still being written; fetch it later.');
  }
  body() {
    return { status: 'error', message: this.message, fetch_result: this.fetchResult };
  }
}

/**
 * A chat request's answer: the job's life is the jobs module's (validation, credits, the bus); this
 * waits for the reply and renders it in the route's shape, or streams it as server-sent events.
 * A client that leaves a stream ends its reply (the worker stops within half a second) and gets
 * its credits back.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger('Chat');

  constructor(
    private readonly submissions: JobSubmissionService,
    private readonly jobs: JobsService,
    private readonly views: JobViewService,
    @Inject(JOB_BUS) private readonly bus: JobBus,
    @Inject(CONFIG) private readonly config: EaselConfig,
  ) {}

  async answer(principal: Principal, kind: ChatKind, body: Record<string, unknown>, shape: ChatShape, idempotencyKey: string | null, reply: FastifyReply): Promise<void> {
    const options = { idempotencyKey, spamFilter: shape === 'dialect' };
    if (!this.wantsStream(body)) {
      const answer = await this.submissions.submit(principal, kind, body, { ...options, syncWindowMs: this.config.EASEL_CHAT_SYNC_WINDOW_MS });
      const { httpStatus, body: out } = shape === 'openai' ? this.openAiAnswer(kind, answer) : answer;
      void reply.status(httpStatus).send(out);
      return;
    }
    let follower: ReplyFollower | undefined;
    const follow = (jobId: number) =>
      ReplyFollower.attach(this.bus, jobId, async () => {
        const job = await this.jobs.repository.get(jobId);
        return !job || (job.status !== 'queued' && job.status !== 'running');
      });
    const accepted = await this.submissions.submit(principal, kind, body, {
      ...options,
      syncWindowMs: 0,
      beforePublish: async (job) => void (follower = await follow(job.id)),
    });
    if (accepted.httpStatus >= 400) {
      void reply.status(accepted.httpStatus).send(accepted.body);
      return;
    }
    const jobId = accepted.body.id as number;
    // An Idempotency-Key repeat finds its job already published: follow it from here.
    follower ??= await follow(jobId);
    await this.stream(principal, kind, jobId, body, shape, follower, openSse(reply));
  }

  private async stream(principal: Principal, kind: ChatKind, jobId: number, body: Record<string, unknown>, shape: ChatShape, follower: ReplyFollower, sink: SseSink): Promise<void> {
    const left = new AbortController();
    sink.onClose(() => left.abort());
    const head = { jobId, model: String(body.model ?? body.model_id ?? this.config.EASEL_DEFAULT_CHAT_MODEL), created: Math.floor(Date.now() / 1000) };
    let streamed = '';
    if (shape === 'openai' && kind === CHAT_KIND) sink.data(chunkBody(kind, head, { role: true, text: '' }));
    for await (const text of follower.text(left.signal)) {
      streamed += text;
      if (shape === 'openai') sink.data(chunkBody(kind, head, { text }));
      else sink.event('token', { id: jobId, text });
    }
    if (left.signal.aborted) {
      // The client left: the reply is not wanted any more.
      if (await this.jobs.failJob(jobId, 'cancelled: the client closed the stream').catch(() => false))
        this.logger.log(`chat job ${jobId}: the client left; the reply was stopped`);
      return;
    }
    const { httpStatus, body: end } = await this.views.describe(principal.tenantId, jobId);
    if (end.status === 'success') {
      const summary = summaryOf(end);
      // Pieces published while the stream was being attached are in the result: send what is missing.
      const missing = summary.text.startsWith(streamed) ? summary.text.slice(streamed.length) : '';
      if (shape === 'openai') {
        if (missing) sink.data(chunkBody(kind, { ...head, model: summary.model }, { text: missing }));
        sink.data(chunkBody(kind, { ...head, model: summary.model }, { finishReason: summary.finishReason }));
        if (includeUsage(body)) sink.data(usageChunk(kind, { ...summary, created: head.created }));
      } else {
        if (missing) sink.event('token', { id: jobId, text: missing });
        sink.event('end', end);
      }
    } else if (shape === 'openai') {
      sink.data(openAiError(httpStatus >= 400 ? httpStatus : 500, asError(end)));
    } else {
      sink.event('end', end);
    }
    if (shape === 'openai') sink.data('[DONE]');
    sink.end();
  }

  private openAiAnswer(kind: ChatKind, answer: DialectResponse): DialectResponse {
    const { body } = answer;
    if (body.status === 'success') return { httpStatus: 200, body: completionBody(kind, summaryOf(body)) };
    if (body.status === 'processing') throw new ReplyTimeoutError(String(body.fetch_result));
    // A reply that ended without one: a conversation too long for the model (422), or a failure.
    const status = answer.httpStatus >= 400 ? answer.httpStatus : 500;
    return { httpStatus: status, body: openAiError(status, asError(body)) };
  }

  /** The body's `stream` (the submit reads the rest, and reports a bad flag). */
  private wantsStream(body: Record<string, unknown>): boolean {
    return readOneFlag(body, 'stream', CHAT_FIELDS.stream);
  }
}

/** A failed reply's body (`error` holds why) or a refusal's (`message`) as the dialect's error body. */
const asError = (body: Record<string, unknown>) => (body.status === 'failed' ? { status: 'error', message: body.error ?? body.message } : body);

const includeUsage = (body: Record<string, unknown>) =>
  typeof body.stream_options === 'object' && body.stream_options !== null && (body.stream_options as { include_usage?: unknown }).include_usage === true;
