/**
 * The body of `face_restore` (`/api/v6/image_editing/face_restore`, `/api/v3/face_restore`) →
 * `FaceRestoreParams` less the model, which the definition resolves for the tenant.
 */
import { FACE_RESTORE_KIND } from '@easel/contracts';
import { COMMON_LIMITS, type Parsed } from '../common/request/field-reader';
import { field } from '../common/request/fields';
import { messages } from '../common/request/messages';
import { RequestSchema, type FieldSpecs } from '../common/request/request-schema';

export interface FaceRestoreRequest {
  kind: typeof FACE_RESTORE_KIND;
  image: string;
  /** The client's model_id; null → the tenant's newest ready face_restore model. */
  modelId: string | null;
  fidelity: number;
  base64: boolean;
  temp: boolean;
  webhook: string | null;
  trackId: string | number | null;
}

export const FACE_RESTORE_DEFAULTS = { fidelity: 0.5 } as const;

/** Every body field of a face_restore request, in the order the parser reads them. */
export const FACE_RESTORE_FIELDS = {
  key: field.key(),
  image: field.image('The face to restore, taken as one aligned face crop (no face detector is bundled)', {
    note: ' At most 1024×1024 pixels.',
  }),
  model_id: field.custom(
    {
      anyOf: [{ type: 'string', maxLength: COMMON_LIMITS.maxIdCharacters }, { type: 'null' }],
      description:
        'A face_restore model (POST /api/v3/load_model with model_category face_restore: a GFPGAN- or CodeFormer-style ONNX graph, input [1,3,512,512] in [-1,1]). Unset: the newest ready face_restore model the key may use. None is bundled: without one, the request is refused naming this field.',
    },
    (fields, name) => fields.text(name, COMMON_LIMITS.maxIdCharacters),
  ),
  fidelity: field.number(
    { min: 0, max: 1 },
    {
      default: FACE_RESTORE_DEFAULTS.fidelity,
      description:
        "CodeFormer's fidelity weight w (0: the most restored, 1: the most faithful), fed to graphs with a second input; GFPGAN-style graphs have none and ignore it.",
    },
  ),
  base64: field.flag({ default: false, description: '`output` holds base64 data instead of a URL.' }),
  temp: field.flag({ default: false, description: 'Short-lived output links.' }),
  webhook: field.webhook(),
  track_id: field.trackId(),
} satisfies FieldSpecs;

export const FACE_RESTORE_REQUEST = new RequestSchema(
  FACE_RESTORE_FIELDS,
  'Numbers may be sent as numeric strings and flags as yes/no, true/false or 1/0; null and "" mean unset. Unknown fields are ignored. Every bad field is reported at once (422). The image is resized to the model\'s input (512×512), restored, and resized back: the output is a PNG of the input\'s size. Meta reports W, H and model_id.',
);

export function parseFaceRestoreRequest(body: Record<string, unknown>): Parsed<FaceRestoreRequest> {
  const { values: v, fields } = FACE_RESTORE_REQUEST.read(body);
  if (v.image === null && !fields.hasErrors('image')) fields.fail('image', messages.required('image'));
  if (fields.hasErrors() || v.image === null) return { ok: false, errors: fields.errors };
  return {
    ok: true,
    value: {
      kind: FACE_RESTORE_KIND,
      image: v.image,
      modelId: v.model_id,
      fidelity: v.fidelity,
      base64: v.base64,
      temp: v.temp,
      webhook: v.webhook,
      trackId: v.track_id,
    },
  };
}
