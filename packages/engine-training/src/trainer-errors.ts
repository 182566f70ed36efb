/**
 * The trainer stopped without a model. `retryable`: it was killed from outside (a signal: out of
 * memory, the node going away), so running it again resumes from its last checkpoint; otherwise it
 * failed on its own (bad input, a diverged loss) and would fail the same way again.
 */
export class TrainerFailedError extends Error {
  constructor(
    message: string,
    readonly logTail: readonly string[],
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'TrainerFailedError';
  }
}

/** The machine cannot train: python3 with torch and onnx is missing. */
export class TrainerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainerUnavailableError';
  }
}
