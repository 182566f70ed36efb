export { runFlite } from './flite/flite-wasi';
export type { FliteRun } from './flite/flite-wasi';
