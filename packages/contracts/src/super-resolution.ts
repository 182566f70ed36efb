/**
 * `super_resolution` (v6 image_editing and its v3 alias): a service of its own (stream, pool,
 * proto/easel/super_resolution/v1) whose one job kind has the service's name.
 */
export const SUPER_RESOLUTION_SERVICE = 'super_resolution';
export const SUPER_RESOLUTION_KIND = 'super_resolution';

export interface SuperResolutionParams {
  kind: typeof SUPER_RESOLUTION_KIND;
  /** `url` or `init_image`: an http(s) URL or base64, as the client sent it; the worker fetches/decodes. */
  image: string;
  /** Which of the two the client used (errors name it). */
  imageField: 'url' | 'init_image';
  scale: 2 | 3 | 4;
  /** The bundled model that runs (`esrgan-slim` | `esrgan-medium`), resolved from the client's `model_id`. */
  upscaleModel: string;
  /** The client's `model_id` as sent (echoed in meta); null → the default. */
  modelId: string | null;
  outputFormat: 'png' | 'jpeg' | 'webp';
  base64: boolean;
  /** Short-lived artifact links (`temp: yes`; the job runner reads it). Absent in rows queued before it travelled. */
  temp?: boolean;
  /** `face_enhance: yes`: the face_restore model id run on the upscaled image; null → none. */
  faceModel?: string | null;
}

export interface SuperResolutionResult {
  width: number;
  height: number;
  inputWidth: number;
  inputHeight: number;
  scale: number;
  modelId: string;
  upscaleModel: string;
  /** The face_restore model that ran after upscaling (face_enhance). */
  faceModel?: string | null;
  format: string;
  generationTime: number;
  timings: Record<string, number>;
}
