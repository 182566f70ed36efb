import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { JOB_ENDED } from '@easel/contracts';
import { WebhooksRepository, type ClaimedDelivery, type Database, type Prisma } from '@easel/db';
import type { JobBus, Subscription } from '@easel/jobs';
import { safeFetch, SafeFetchError } from '@easel/safe-fetch';
import { isDatabaseUnavailable } from '../common/database-unavailable';
import { JobViewService } from '../jobs/job-view.service';
import { CONFIG, DATABASE, JOB_BUS } from '../tokens';
import { backoffDelay } from './backoff';
import { resolveWebhookSecret } from './webhook-secret';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  JOB_ENDED_EVENT,
  SIGNATURE_HEADER,
  signatureHeader,
} from './webhook-signature';

/** Deliveries claimed per pass; a full batch means more may be due, so the next pass starts at once. */
export const BATCH_SIZE = 10;
/** Bytes of a receiver's answer read at most; nobody needs more than a status line. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** A claimed delivery stays leased this long beyond the POST's time limit, covering building the body and recording the outcome. */
const LEASE_MARGIN_MS = 60_000;

interface Outcome {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
  /** Retrying cannot help (the URL is refused by policy): give up now. */
  permanent?: boolean;
}

const isPlaceholder = (payload: Prisma.JsonValue) =>
  payload !== null &&
  typeof payload === 'object' &&
  !Array.isArray(payload) &&
  Object.keys(payload).length === 0;

/**
 * Sends the webhooks of ended jobs from the outbox (`webhook_deliveries`). Polls for due
 * deliveries every EASEL_WEBHOOK_POLL_MS and also as soon as the bus says a job ended.
 * Several gateways may run one each against one database: a delivery is claimed under
 * `FOR UPDATE SKIP LOCKED` with a lease, so exactly one of them sends each attempt.
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly repository: WebhooksRepository;
  private readonly leaseMs: number;
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeRequested = false;
  private stopped = true;
  private secret: Promise<string> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: EaselConfig,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(JOB_BUS) private readonly bus: JobBus,
    private readonly view: JobViewService,
  ) {
    this.repository = new WebhooksRepository(db.prisma);
    this.leaseMs = config.EASEL_WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS;
  }

  async onModuleInit(): Promise<void> {
    this.stopped = false;
    try {
      this.subscription = await this.bus.subscribeEvents('*', (event) => {
        if (event.type === JOB_ENDED) this.wake();
      });
    } catch (error) {
      // Polling still delivers everything; the bus only makes it sooner.
      this.logger.warn(`not listening for ended jobs, polling only: ${(error as Error).message}`);
    }
    if (this.db.kind === 'postgres' && !this.config.EASEL_WEBHOOK_SECRET) {
      this.logger.warn(
        'EASEL_WEBHOOK_SECRET is not set: this replica signs webhooks with the secret in its own EASEL_HOME; set one secret for all replicas',
      );
    }
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.subscription?.unsubscribe().catch(() => undefined);
    await this.running;
  }

  /** Looks for due deliveries now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  /** One pass: claims due deliveries and sends them. True when the batch was full (more may be due). */
  async runOnce(): Promise<boolean> {
    const claimed = await this.repository.claimDue(BATCH_SIZE, this.leaseMs);
    await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    return claimed.length === BATCH_SIZE;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.wakeRequested = false;
    let more = false;
    this.running = this.runOnce().then(
      (full) => void (more = full),
      (error: unknown) => this.logFailure('webhook pass failed', error, 'the next pass retries'),
    );
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule(more || this.wakeRequested ? 0 : this.config.EASEL_WEBHOOK_POLL_MS);
  }

  /** A database outage is expected now and then and `retry` says what makes up for it: a warning, not an error. */
  private logFailure(what: string, error: unknown, retry: string): void {
    const message = `${what}: ${(error as Error).message}`;
    if (isDatabaseUnavailable(error)) this.logger.warn(`${message} (the database is unavailable; ${retry})`);
    else this.logger.error(message);
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await this.attempt(delivery);
    try {
      if (outcome.delivered) {
        await this.repository.markDelivered(delivery.id, delivery.attempts, outcome.statusCode ?? 200);
        return;
      }
      const giveUp =
        outcome.permanent === true || delivery.attempts >= this.config.EASEL_WEBHOOK_MAX_ATTEMPTS;
      const retryInMs = giveUp ? null : backoffDelay(delivery.attempts, this.config.webhookBackoffMs);
      await this.repository.markAttemptFailed(delivery.id, delivery.attempts, {
        statusCode: outcome.statusCode,
        error: outcome.error ?? 'unknown error',
        retryInMs,
      });
      const next = retryInMs === null ? 'giving up' : `retrying in ${retryInMs} ms`;
      this.logger.warn(
        `webhook ${delivery.id} for job ${delivery.jobId} failed (attempt ${delivery.attempts}): ${outcome.error}; ${next}`,
      );
    } catch (error) {
      // The lease runs out and the attempt is made again: at least once, never lost.
      this.logFailure(`could not record webhook ${delivery.id}'s attempt`, error, 'it is attempted again when its lease ends');
    }
  }

  /** Builds (first attempt) or reuses the body, signs it and POSTs it. Never throws. */
  private async attempt(delivery: ClaimedDelivery): Promise<Outcome> {
    let rawBody: string;
    let secret: string;
    try {
      rawBody = JSON.stringify(await this.bodyOf(delivery));
      secret = await this.signingSecret();
    } catch (error) {
      return {
        delivered: false,
        statusCode: null,
        error: `could not prepare the webhook: ${(error as Error).message}`,
      };
    }
    try {
      const response = await safeFetch(delivery.url, {
        method: 'POST',
        body: rawBody,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Easel-Webhooks/1',
          [SIGNATURE_HEADER]: signatureHeader(secret, rawBody),
          [DELIVERY_HEADER]: String(delivery.id),
          [EVENT_HEADER]: JOB_ENDED_EVENT,
        },
        allowHosts: this.config.fetchAllowHosts,
        timeoutMs: this.config.EASEL_WEBHOOK_TIMEOUT_MS,
        maxBytes: MAX_RESPONSE_BYTES,
        maxRedirects: 0,
      });
      if (response.status >= 200 && response.status < 300)
        return { delivered: true, statusCode: response.status, error: null };
      return {
        delivered: false,
        statusCode: response.status,
        error: `the receiver answered HTTP ${response.status}`,
      };
    } catch (error) {
      if (!(error instanceof SafeFetchError))
        return { delivered: false, statusCode: null, error: (error as Error).message };
      const status = error.status ?? null;
      if (error.code === 'http_status' && status !== null) {
        const why =
          status < 400
            ? `redirected (HTTP ${status}); webhooks do not follow redirects`
            : `answered HTTP ${status}`;
        return { delivered: false, statusCode: status, error: `the receiver ${why}` };
      }
      return {
        delivered: false,
        statusCode: status,
        error: `${error.code}: ${error.message}`,
        permanent: error.code === 'blocked_address' || error.code === 'invalid_url',
      };
    }
  }

  /**
   * The fetch endpoint's body for the job, built afresh each attempt (an ended job's body
   * does not change, and this keeps fetch's key order, which a round trip through jsonb would
   * not) and kept on the first attempt so the delivery log shows what was sent.
   */
  private async bodyOf(delivery: ClaimedDelivery): Promise<Record<string, unknown>> {
    const { body } = await this.view.describe(delivery.tenantId, delivery.jobId);
    if (isPlaceholder(delivery.payload))
      await this.repository.savePayload(delivery.id, delivery.attempts, body as Prisma.InputJsonValue);
    return body;
  }

  private signingSecret(): Promise<string> {
    this.secret ??= resolveWebhookSecret(this.config);
    // A failure (say, an unwritable EASEL_HOME) is not cached: the next attempt tries again.
    this.secret.catch(() => (this.secret = undefined));
    return this.secret;
  }
}
