/** Injection tokens of the limits module. */
export const LIMIT_STORE = Symbol('LimitStore');
export const LIMITS_CLOCK = Symbol('LimitsClock');
