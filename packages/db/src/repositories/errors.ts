export class InsufficientCreditsError extends Error {
  constructor() {
    super('Insufficient credits');
    this.name = 'InsufficientCreditsError';
  }
}

export class TenantNotFoundError extends Error {
  constructor(readonly tenantId: string) {
    super(`tenant not found: ${tenantId}`);
    this.name = 'TenantNotFoundError';
  }
}

/** The API key already has as many unfinished (queued or running) jobs as it may have. */
export class ConcurrencyLimitError extends Error {
  constructor(
    readonly limit: number,
    readonly unfinished: number,
  ) {
    super(`concurrent jobs limit reached: ${unfinished} unfinished, limit ${limit}`);
    this.name = 'ConcurrencyLimitError';
  }
}

/** The spam filter's mark (see SpamMark) was already set: the same body came from the key within its window. */
export class SpamRefusedError extends Error {
  constructor(readonly windowEndsAt: Date | null) {
    super('the same request was sent within the spam window');
    this.name = 'SpamRefusedError';
  }
}
