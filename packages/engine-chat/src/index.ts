export * from './chat-engine';
export * from './chat-errors';
export * from './chat-types';
export { SequencePool } from './sequence-pool';
