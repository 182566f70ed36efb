/** The messages alone fill the model's context: nothing could be generated. Not worth retrying. */
export class ContextOverflowError extends Error {
  readonly code = 'context_overflow';
  readonly retryable = false;
  constructor(
    readonly promptTokens: number,
    readonly contextSize: number,
  ) {
    super(`The messages are ${promptTokens} tokens long; the model's context holds ${contextSize} (with room for at least one reply token).`);
    this.name = 'ContextOverflowError';
  }
}

/** The file is not a GGUF model llama.cpp can load. Not worth retrying. */
export class ChatModelLoadError extends Error {
  readonly code = 'model_unloadable';
  readonly retryable = false;
  constructor(path: string, cause: unknown) {
    super(`${path} is not a chat model llama.cpp can load: ${(cause as Error)?.message ?? cause}`, { cause });
    this.name = 'ChatModelLoadError';
  }
}
