/**
 * The bodies of POST /api/v6/video/text2video and /img2video (../shared/API.md "Video (v6)"): the
 * prompt, the clip's size, length and frame rate, the sampler's steps and guidance, img2video's
 * picture and Stable-Video-Diffusion-style knobs, the output container. Read with the dialect's
 * tolerance; the parser and /openapi.json share this table.
 */
import { IMG2VIDEO_KIND, VIDEO_LIMITS, type VideoOutputType } from '@easel/contracts';
import { COMMON_LIMITS } from '../common/request/field-reader';
import { field } from '../common/request/fields';
import { RequestSchema } from '../common/request/request-schema';
import { readSeed } from '../generation/request/generation-readers';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';

const L = VIDEO_LIMITS;
const side = (what: string) =>
  field.custom(
    field.integer(L.side, { default: 128, description: `${what} in pixels, a multiple of 8, from ${L.side.min} to ${L.side.max}. Default 128 (the bundled model's native size).`, schema: { multipleOf: 8 } }).schema,
    (fields, name) => {
      const value = fields.integer(name, L.side, 128);
      if (value % 8 !== 0) fields.fail(name, `The ${name} must be a multiple of 8.`);
      return value;
    },
  );

export const VIDEO_FIELDS = {
  key: field.key(),
  prompt: field.text({
    maxLength: GENERATION_LIMITS.maxPromptCharacters,
    required: false,
    description: 'What the clip shows and how it moves ("a red circle moving to the right on a blue background"). Required for text2video; img2video may leave it out (the picture is the subject).',
  }),
  negative_prompt: field.text({ maxLength: GENERATION_LIMITS.maxPromptCharacters, description: 'What to avoid.' }),
  model_id: field.text({
    maxLength: COMMON_LIMITS.maxIdCharacters,
    description: "The video (motion) model, category video in /api/v4/dreambooth/model_list. Unset: the deployment's default (EASEL_DEFAULT_VIDEO_MODEL).",
  }),
  init_image: field.image('The first frame', { kinds: [IMG2VIDEO_KIND] }),
  width: side('Frame width'),
  height: side('Frame height'),
  num_frames: field.integer(L.numFrames, { default: L.numFrames.default, description: `Frames in the clip (${L.numFrames.min}–${L.numFrames.max}); all are denoised together.` }),
  fps: field.integer(L.fps, { default: L.fps.default, description: `Frames per second of the file (img2video: at most ${L.img2videoFps.max}). The motion spans the whole clip whatever its length.` }),
  num_inference_steps: field.integer(L.steps, { default: L.steps.default, description: 'Denoising steps.' }),
  guidance_scale: field.number(L.guidanceScale, { default: L.guidanceScale.default, description: 'text2video: classifier-free guidance scale of every frame.' }),
  min_guidance_scale: field.number(L.guidanceScale, { default: L.minGuidanceScale.default, description: 'img2video: guidance of the first frame; it grows linearly to max_guidance_scale on the last (as Stable Video Diffusion).' }),
  max_guidance_scale: field.number(L.guidanceScale, { default: L.maxGuidanceScale.default, description: 'img2video: guidance of the last frame.' }),
  motion_bucket_id: field.integer(L.motionBucketId, { default: L.motionBucketId.default, description: 'img2video: how much of the motion the clip covers. 127 (and above): the whole motion the prompt names; less: proportionally less (the bundled model cannot move further than it was trained to).' }),
  noise_aug_strength: field.number(L.noiseAugStrength, { default: L.noiseAugStrength.default, description: 'img2video: Gaussian noise (std, pixels in −1…1) added to the picture before it conditions the clip; more lets the clip stray from it.' }),
  seed: field.custom(
    field.integer(GENERATION_LIMITS.seed, { default: null, description: 'The same seed and request give the same file, byte for byte. Unset, null or -1: random, reported in meta.' }).schema,
    (fields) => readSeed(fields),
  ),
  clip_skip: field.integer(L.clipSkip, { default: 1, description: '2: the text encoder\'s penultimate layer conditions the clip.' }),
  output_type: field.choice<VideoOutputType, VideoOutputType>({ mp4: 'mp4', gif: 'gif' }, ['mp4', 'gif'], ['mp4', 'gif'], {
    default: 'mp4',
    description: 'mp4: H.264 (Constrained Baseline, yuv420p, avc1) that browsers play; gif: an animated GIF that loops.',
  }),
  instant_response: field.flag({ default: false, description: 'yes: answer `processing` at once with the links the clip will have (fetch or a webhook tells when it is there).' }),
  base64: field.flag({ default: false, description: 'yes: `output` holds the file as base64 instead of a URL.' }),
  temp: field.flag({ default: false, description: 'yes: short-lived artifact URLs (EASEL_TEMP_LINK_TTL_S after the job ends; then 410).' }),
  webhook: field.webhook(),
  track_id: field.trackId(),
};

export const VIDEO_REQUEST = new RequestSchema(
  VIDEO_FIELDS,
  'A short clip from a motion model (AnimateDiff\'s approach) over an image model. Numbers may be sent as numeric strings and flags as yes/no; null and "" mean unset. Every bad field is reported at once (422).',
);

