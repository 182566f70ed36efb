/**
 * What an image_editing job costs: a fixed price per image, since its input size is known only once
 * the worker fetched it. Background removal runs GrabCut on a downscaled copy whatever the size;
 * object removal is one classical inpainting pass; face restoration one 512×512 ONNX run.
 */
export const REMOVE_BACKGROUND_CREDITS = 0.05;
export const OBJECT_REMOVAL_CREDITS = 0.05;
export const FACE_RESTORE_CREDITS = 0.1;
