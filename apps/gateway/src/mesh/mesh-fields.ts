/**
 * The bodies of POST /api/v6/3d/text_to_3d and /image_to_3d (../shared/API.md "3D (v6)"): the
 * prompt or the picture, the prior's steps and guidance, the mesh grid, the file format and its
 * simplification, image framing, and the public model's sampler fields (accepted, echoed in meta).
 * Read with the dialect's tolerance; the parser and /openapi.json share this table.
 */
import { IMAGE_TO_3D_KIND, MESH_LIMITS, type MeshOutputFormat } from '@easel/contracts';
import { COMMON_LIMITS } from '../common/request/field-reader';
import { field } from '../common/request/fields';
import { RequestSchema } from '../common/request/request-schema';
import { readImage } from '../common/request/shared-fields';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';
import { readSeed } from '../generation/request/generation-readers';

const L = MESH_LIMITS;
const imageSpec = field.image('The picture of the object', { kinds: [IMAGE_TO_3D_KIND], note: ' Also accepted as `init_image`.' });
/** The public model's two-stage sampler knobs: accepted and echoed, the bundled model has one stage (num_inference_steps, guidance_scale). */
const samplerKnob = (range: { min: number; max: number }, fallback: number, what: string) =>
  field.number(range, { default: fallback, description: `${what}. Accepted for compatibility and echoed in meta; the bundled model samples in one stage (num_inference_steps, guidance_scale).` });

export const MESH_FIELDS = {
  key: field.key(),
  prompt: field.text({
    maxLength: GENERATION_LIMITS.maxPromptCharacters,
    required: false,
    description: 'What the object is ("a red cube", "a small blue torus", "a yellow cone and a green sphere"). Required for text_to_3d.',
  }),
  negative_prompt: field.text({ maxLength: GENERATION_LIMITS.maxPromptCharacters, description: 'text_to_3d: what to steer away from (the guidance baseline instead of the empty prompt).' }),
  model_id: field.text({
    maxLength: COMMON_LIMITS.maxIdCharacters,
    description: "The 3D model, category 3d in /api/v4/dreambooth/model_list. Unset: the deployment's default (EASEL_DEFAULT_MESH_MODEL).",
  }),
  image: field.custom(imageSpec.schema, (fields) => readImage(fields, fields.firstGiven('image', 'init_image')), { kinds: [IMAGE_TO_3D_KIND], required: [IMAGE_TO_3D_KIND] }),
  init_image: field.alias(imageSpec, 'Another name of `image`.', { kinds: [IMAGE_TO_3D_KIND] }),
  multi_image: field.custom(
    field.flag({ default: false, description: 'yes: several views of one object. The bundled model reads one picture, so yes is refused (422).' }).schema,
    (fields, name) => {
      const value = fields.flag(name, false);
      if (value) fields.fail(name, 'The multi image option is not available: the model reads one picture.');
      return value;
    },
    { kinds: [IMAGE_TO_3D_KIND] },
  ),
  resolution: field.integer(L.resolution, { default: L.resolution.default, description: `Marching cubes' grid: cells per side of the model's space (${L.resolution.min}–${L.resolution.max}). Finer grids give smoother surfaces and more triangles (before mesh_simplify).` }),
  output_format: field.choice<MeshOutputFormat, MeshOutputFormat>({ glb: 'glb', obj: 'obj', ply: 'ply', stl: 'stl' }, ['glb', 'obj', 'ply', 'stl'], ['glb', 'obj', 'ply', 'stl'], {
    default: 'glb',
    description: 'glb: binary glTF 2.0 with vertex colours; obj: Wavefront OBJ with "v x y z r g b" colours; ply: binary PLY with vertex colours; stl: binary STL (geometry only).',
  }),
  render: field.flag({ default: false, description: 'yes: also a turntable GIF (`turntable` in the answer), rendered from the mesh. A preview PNG (`preview`) always comes.' }),
  num_inference_steps: field.integer(L.steps, { default: 30, description: 'The prior\'s denoising steps (DDIM).' }),
  guidance_scale: field.number(L.guidanceScale, { default: L.guidanceScale.default, description: `Classifier-free guidance of the prior: how closely the shape follows the prompt or picture. Default ${L.guidanceScale.default}, where the bundled model is judged; 4 and above overshoot into wrong colours and thin shapes.` }),
  seed: field.custom(
    field.integer(GENERATION_LIMITS.seed, { default: 0, description: 'The same seed and request give the same file, byte for byte. 0 (the default), null or -1: random, reported in meta.' }).schema,
    (fields) => {
      const seed = readSeed(fields);
      return seed === 0 ? null : seed;
    },
  ),
  mesh_simplify: field.number(L.meshSimplify, { default: 0.9, description: 'The share of triangles removed after extraction by quadric edge collapses (0.90–0.98 as the public API; 0 keeps every triangle). The topology is kept: a closed mesh stays closed.' }),
  remove_bg: field.flag({ default: true, description: 'image_to_3d: cut the object from its background (transparency if the picture has it, else the border\'s colour) before framing it. Default yes here: the bundled model reads objects on a plain ground.' }),
  foreground_ratio: field.number(L.foregroundRatio, { default: L.foregroundRatio.default, description: 'image_to_3d: the object\'s longer side as a share of the framed view.' }),
  chunk_size: field.integer({ min: 1, max: 1_000_000 }, { default: 8192, description: 'Accepted for compatibility and echoed; the decoder batches its points itself.' }),
  ss_guidance_strength: samplerKnob({ min: 0, max: 30 }, 7.5, 'Structure-stage guidance'),
  ss_sampling_steps: samplerKnob({ min: 1, max: 50 }, 12, 'Structure-stage steps'),
  slat_guidance_strength: samplerKnob({ min: 0, max: 10 }, 3, 'Latent-stage guidance'),
  slat_sampling_steps: samplerKnob({ min: 1, max: 50 }, 12, 'Latent-stage steps'),
  base64: field.flag({ default: false, description: 'yes: `output` holds the mesh file as base64 instead of a URL.' }),
  temp: field.flag({ default: false, description: 'yes: short-lived artifact URLs (EASEL_TEMP_LINK_TTL_S after the job ends; then 410).' }),
  instant_response: field.flag({ default: false, description: 'yes: answer `processing` at once with the link the mesh will have.' }),
  webhook: field.webhook(),
  track_id: field.trackId(),
};

export const MESH_REQUEST = new RequestSchema(
  MESH_FIELDS,
  'A coloured triangle mesh from a latent prior and an implicit surface decoder (Shap-E\'s approach). Numbers may be sent as numeric strings and flags as yes/no; null and "" mean unset. Every bad field is reported at once (422).',
);
