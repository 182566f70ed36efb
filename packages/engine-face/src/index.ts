export { FaceRestorer, DEFAULT_FACE_SIDE } from './face-restorer';
export type { RestoreOptions, RestoredFace } from './face-restorer';
