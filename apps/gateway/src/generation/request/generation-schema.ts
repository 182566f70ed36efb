/**
 * The generation request bodies (text2img, img2img, inpaint and their dreambooth forms) as
 * /openapi.json shows them: made from GENERATION_FIELDS, the same table the parser reads with.
 */
import type { Schema } from '../../common/request/json-schema';
import type { FieldSpec } from '../../common/request/request-schema';
import { GENERATION_FIELDS as FIELDS, GENERATION_REQUEST } from './generation-fields';
import type { GenerationKind } from './generation-limits';

export {
  ALGORITHM_TYPES,
  DOCUMENTED_OUTPUT_FORMATS as OUTPUT_FORMATS,
  SAFETY_CHECKER_TYPES,
  UPSCALE_VALUES,
} from './generation-fields';

/** Every field of a generation body, by name. */
export const GENERATION_FIELDS: Record<string, FieldSpec<unknown>> = FIELDS;

/** The JSON Schema of a generation request body of one kind. */
export function generationRequestSchema(kind: GenerationKind, requireModelId: boolean): Schema {
  return GENERATION_REQUEST.jsonSchema(kind, requireModelId ? ['model_id'] : []);
}
