export { f0Track, medianF0, type F0Options, type JudgedAudio } from './f0';
export { mfcc, JUDGE_FEATURES, N_MFCC } from './mfcc';
export { dtwDistance, mfccDtw } from './dtw';
export { loadSpeakerJudge, cosine, VOICE_JUDGE_DIR, type SpeakerJudge } from './speaker-judge';
export {
  judgeClone,
  ttsVariationBound,
  summariseClones,
  VOICE_TARGETS,
  type CloneCase,
  type CloneVerdict,
  type CloneSummary,
} from './judge-clone';
export { voiceHeldOut, type VoiceHeldOut } from './held-out';
