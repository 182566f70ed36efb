export { EngineThread, asBuffer } from './engine-thread';
export type { EngineThreadOptions, CallOptions, ErrorClass } from './engine-thread';
export { serveEngine, logToCaller } from './serve-engine';
export type { CallContext, EngineMethods } from './serve-engine';
