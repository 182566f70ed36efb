import { UnknownSchedulerError } from './schedulers/registry';

export { UnknownSchedulerError };

/**
 * Base of every error the engine throws on purpose. `code` is stable (the HTTP gateway and
 * workers switch on it); `field` names the request field it concerns, when there is one, so
 * the gateway can answer `{"status":"error","message":{[field]:[message]}}`.
 */
export class DiffusionError extends Error {
  readonly code: string;
  readonly field?: string;

  /** A graph that failed to run, or a run cut short, may pass on another try; a request or model problem will not. */
  get retryable(): boolean {
    return this.code === 'inference_failed' || this.code === 'cancelled';
  }

  constructor(code: string, message: string, field?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    if (field !== undefined) this.field = field;
  }
}

/** A request field is out of range or malformed (size, samples, steps, strength, ...). */
export class InvalidRequestError extends DiffusionError {
  constructor(code: string, field: string, message: string) {
    super(code, message, field);
  }
}

/** A model file is missing, unreadable or not a valid ONNX graph / JSON config. */
export class ModelFileError extends DiffusionError {
  readonly path: string;

  constructor(code: 'model_file_missing' | 'model_file_corrupt', path: string, message: string, cause?: unknown) {
    super(code, message, 'model_id', { cause });
    this.path = path;
  }
}

/** A LoRA or embedding file is missing, malformed, or does not fit the model. `field` is the request field that named it. */
export class AdapterFileError extends DiffusionError {
  readonly path: string;

  constructor(code: 'adapter_file_missing' | 'adapter_file_corrupt' | 'adapter_mismatch', path: string, message: string, cause?: unknown, field = 'lora_model') {
    super(code, message, field, { cause });
    this.path = path;
  }
}

/** A graph lacks an input the pipeline needs (or has one with an unusable type). */
export class GraphMismatchError extends DiffusionError {
  readonly graph: string;
  readonly input: string;

  constructor(graph: string, input: string, message?: string) {
    super('graph_mismatch', message ?? `The ${graph} graph has no input named "${input}".`, 'model_id');
    this.graph = graph;
    this.input = input;
  }
}

/** The request asks for something this model cannot do (clip_skip 2 without hidden states, img2img without a VAE encoder, ...). */
export class UnsupportedFeatureError extends DiffusionError {
  constructor(field: string, message: string) {
    super('unsupported_feature', message, field);
  }
}

/** The caller's AbortSignal fired; thrown between denoising steps. */
export class CancelledError extends DiffusionError {
  constructor(message = 'The generation was cancelled.') {
    super('cancelled', message);
  }
}

export interface ErrorInfo {
  code: string;
  field?: string;
  message: string;
}

/** Map any error to `{code, field, message}`; unknown errors become `internal` (no field). */
export function describeError(err: unknown): ErrorInfo {
  if (err instanceof DiffusionError) return { code: err.code, field: err.field, message: err.message };
  if (err instanceof UnknownSchedulerError) return { code: 'unknown_scheduler', field: 'scheduler', message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
