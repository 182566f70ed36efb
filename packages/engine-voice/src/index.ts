export { runFlite } from './flite/flite-wasi';
export type { FliteRun } from './flite/flite-wasi';
export { durationSeconds } from './audio/speech-audio';
export type { SpeechAudio } from './audio/speech-audio';
