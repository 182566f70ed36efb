export * from './telemetry';
export * from './propagation';
export * from './spans';
export * from './http';
