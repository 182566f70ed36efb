/**
 * `image_editing` (the v6 image_editing family and its v3 aliases): a service of its own (stream,
 * pool, proto/easel/image_editing/v1) whose job kinds are the family's endpoints.
 */
export const IMAGE_EDITING_SERVICE = 'image_editing';
export const REMOVE_BACKGROUND_KIND = 'removebg_mask';
export const IMAGE_EDITING_KINDS = [REMOVE_BACKGROUND_KIND] as const;

export interface RemoveBackgroundParams {
  kind: typeof REMOVE_BACKGROUND_KIND;
  /** An http(s) URL or base64, as the client sent it; the worker fetches/decodes. */
  image: string;
  onlyMask: boolean;
  inverseMask: boolean;
  alphaMatting: boolean;
  alphaMattingForegroundThreshold: number;
  alphaMattingBackgroundThreshold: number;
  alphaMattingErodeSize: number;
  postProcessMask: boolean;
  seed: number;
  base64: boolean;
  /** Short-lived artifact links (the job runner reads it). */
  temp: boolean;
}

export type ImageEditingParams = RemoveBackgroundParams;

export interface ImageEditingResult {
  kind: string;
  width: number;
  height: number;
  seed: number;
  /** removebg_mask: the object's share of the picture (0–1). */
  foregroundFraction: number;
  generationTime: number;
  timings: Record<string, number>;
}
