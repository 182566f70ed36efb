export { FLITE_BASE_VOICES, SPEAKER_RATE, speakSpeaker, speakerName, type FliteBaseVoice, type Speaker, type SpokenSpeaker } from './speaker-variant';
export { FeatureExtractor, melFilterbank, type FeatureParams, type FeatureFrames } from './mel';
export { griffinLim, type GriffinLimOptions } from './griffin-lim';
export { loadVoiceCloner, VOICE_GRAPH_INPUTS, type VoiceCloner, type VoiceClonerConfig, type VoiceClonerSessionOptions, type VoiceProfile } from './voice-cloner';
export { medianPitch, pitchTrack, type PitchTrackOptions } from './pitch-track';
export { sourceFilter, type SourceFilterOptions } from './source-filter';
