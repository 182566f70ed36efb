/**
 * `image_editing` (the v6 image_editing family and its v3 aliases): a service of its own (stream,
 * pool, proto/easel/image_editing/v1) whose job kinds are the family's endpoints that need no UNet.
 * `outpaint` is served at the family's path but is a diffusion kind (OUTPAINT_KIND in ./diffusion).
 */
export const IMAGE_EDITING_SERVICE = 'image_editing';
export const REMOVE_BACKGROUND_KIND = 'removebg_mask';
export const OBJECT_REMOVAL_KIND = 'object_removal';
export const FACE_RESTORE_KIND = 'face_restore';
export const IMAGE_EDITING_KINDS = [REMOVE_BACKGROUND_KIND, OBJECT_REMOVAL_KIND, FACE_RESTORE_KIND] as const;

/**
 * The colours an object_removal prompt may name ("remove the red circle"), sRGB. The gateway
 * refuses a prompt that names none; the worker removes every pixel nearer to the named colour than
 * to any other in this table (so "red" does not take the orange of a neighbouring shape).
 */
export const OBJECT_REMOVAL_COLOURS: Readonly<Record<string, readonly [number, number, number]>> = {
  red: [220, 40, 40],
  orange: [245, 140, 30],
  yellow: [240, 220, 40],
  green: [40, 170, 60],
  cyan: [40, 200, 220],
  blue: [40, 70, 210],
  purple: [140, 50, 180],
  pink: [240, 120, 190],
  brown: [130, 80, 40],
  black: [15, 15, 15],
  grey: [128, 128, 128],
  white: [245, 245, 245],
};
/** Other spellings of the colours above. */
export const OBJECT_REMOVAL_COLOUR_ALIASES: Readonly<Record<string, string>> = {
  gray: 'grey',
  violet: 'purple',
  magenta: 'pink',
};

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

export interface ObjectRemovalParams {
  kind: typeof OBJECT_REMOVAL_KIND;
  image: string;
  /** White = remove; null → made from `colour`. */
  maskImage: string | null;
  /** A key of OBJECT_REMOVAL_COLOURS; null when mask_image is sent. */
  colour: string | null;
  maskDilate: number;
  fillRadius: number;
  base64: boolean;
  temp: boolean;
}

export interface FaceRestoreParams {
  kind: typeof FACE_RESTORE_KIND;
  image: string;
  /** The face_restore model's id (the gateway resolved it for the tenant). */
  faceModel: string;
  /** CodeFormer's fidelity weight (0–1); GFPGAN-style graphs have no input for it. */
  fidelity: number;
  base64: boolean;
  temp: boolean;
}

export type ImageEditingParams = RemoveBackgroundParams | ObjectRemovalParams | FaceRestoreParams;

export interface ImageEditingResult {
  kind: string;
  width: number;
  height: number;
  /** removebg_mask: the seed GrabCut's k-means drew from. */
  seed?: number;
  /** removebg_mask: the object's share of the picture (0–1). */
  foregroundFraction?: number;
  /** object_removal: the share of the picture removed and filled (0–1). */
  maskFraction?: number;
  /** face_restore: the model that ran. */
  faceModel?: string;
  generationTime: number;
  timings: Record<string, number>;
}
