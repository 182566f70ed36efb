/**
 * What an image_editing job costs. Background removal is a fixed price per image: its input size is
 * known only once the worker fetched it, and GrabCut runs on a downscaled copy whatever the size.
 */
export const REMOVE_BACKGROUND_CREDITS = 0.05;
