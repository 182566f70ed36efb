/**
 * Errors a client can act on, each with the HTTP status and the exact body shape of the
 * Stable Diffusion API dialect (../shared/API.md). The exception filter is the only place
 * that turns them into responses.
 */
export abstract class ApiError extends Error {
  abstract readonly httpStatus: number;
  abstract body(): Record<string, unknown>;
  headers(): Record<string, string> {
    return {};
  }
}

/** The dialect's plain error body, `{"status":"error","message":"…"}`, with its own HTTP status. */
abstract class MessageError extends ApiError {
  body(): Record<string, unknown> {
    return { status: 'error', message: this.message };
  }
}

const INVALID_KEY_TIP =
  '1. Make sure you are passing Content-Type: application/json in header. 2. Make sure you are doing POST request with valid JSON. 3. Make sure your JSON does not have error, use jsonlint to validate json array. 4. Make sure you have valid API key.';

export class InvalidApiKeyError extends ApiError {
  /** 401 for a missing or unknown key; 400 when the request was not a JSON body at all. */
  constructor(readonly httpStatus: 400 | 401 = 401) {
    super('Invalid Api Key');
  }
  body() {
    return { status: 'error', message: 'Invalid Api Key', tip: INVALID_KEY_TIP };
  }
}

export class ForbiddenError extends MessageError {
  readonly httpStatus = 403;
  constructor(message = 'This key is not allowed to do that') {
    super(message);
  }
}

/** Laravel-style field errors: `{"status":"error","message":{"prompt":["The prompt field is required."]}}`. */
export class ValidationError extends ApiError {
  readonly httpStatus = 422;
  constructor(readonly fields: Record<string, string[]>) {
    super(Object.values(fields).flat().join(' '));
  }
  body() {
    return { status: 'error', message: this.fields };
  }
}

export class RateLimitError extends ApiError {
  readonly httpStatus = 429;
  constructor(
    readonly retryAfterSeconds: number,
    readonly tips = 'you are sending same request multiple times, spam filter is enabled, please wait for 30 seconds and try again',
  ) {
    super('Rate limit exceeded');
  }
  body() {
    return { status: 'error', message: 'Rate limit exceeded', tips: this.tips };
  }
  override headers() {
    return { 'retry-after': String(Math.max(1, Math.ceil(this.retryAfterSeconds))) };
  }
}

export class ModelNotFoundError extends MessageError {
  readonly httpStatus = 404;
  constructor() {
    super('Model id not found');
  }
}

/** load_model with an id that is bundled, or this tenant's and not failed. */
export class ModelIdTakenError extends MessageError {
  readonly httpStatus = 409;
  constructor() {
    super('Model id already exists');
  }
}

/** load_model on a deployment without a model store. */
export class ModelLoadingUnavailableError extends MessageError {
  readonly httpStatus = 501;
  constructor() {
    super('Loading models is not available in this deployment.');
  }
}

/** fine_tune / lora_fine_tune where this deployment cannot train (no trainer on the machine, no model store). */
export class TrainingUnavailableError extends MessageError {
  readonly httpStatus = 503;
}

export class InsufficientCreditsError extends MessageError {
  readonly httpStatus = 402;
  constructor() {
    super('Insufficient credits');
  }
}

/** A request refused by the HTTP layer before routing (a path past the router's limit, a malformed URL). */
export class HttpRefusalError extends MessageError {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends MessageError {
  readonly httpStatus = 404;
}

/** A `temp: yes` output link past its lifetime (EASEL_TEMP_LINK_TTL_S): gone for good, unlike a link that never existed. */
export class LinkExpiredError extends MessageError {
  readonly httpStatus = 410;
  constructor() {
    super('Link expired');
  }
}

export class JobFailedError extends ApiError {
  readonly httpStatus = 500;
  constructor(readonly jobId: number | '' = '') {
    super('Failed, Try Again');
  }
  body() {
    return { status: 'failed', id: this.jobId, message: 'Failed, Try Again', output: '' };
  }
}

/** The job could not be queued (the bus is unreachable): nothing was charged; try again shortly. */
export class QueueUnavailableError extends ApiError {
  readonly httpStatus = 503;
  constructor(readonly jobId: number) {
    super('Failed, Try Again');
  }
  body() {
    return { status: 'failed', id: this.jobId, message: 'Failed, Try Again', output: '', error: 'the job queue is unavailable; nothing was charged, please retry' };
  }
  override headers() {
    return { 'retry-after': '5' };
  }
}

/** The database could not be reached (restarting, failing over): nothing was recorded; try again shortly. */
export class DatabaseUnavailableError extends MessageError {
  readonly httpStatus = 503;
  constructor() {
    super('Service temporarily unavailable, please try again');
  }
  override headers() {
    return { 'retry-after': '5' };
  }
}
