export * from './wait';
export * from './contracts/job-bus.contract';
export * from './contracts/artifact-store.contract';
export * from './judge';
