export * from './trainer-events';
export * from './trainer-errors';
export * from './python-probe';
export * from './run-trainer';
