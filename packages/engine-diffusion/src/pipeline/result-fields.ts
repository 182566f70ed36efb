import { MIME_TYPES } from './images';
import type { GenerateResult } from './types';
import type { NormalizedRequest } from './validate';

/** The result fields every pipeline reports straight from the validated request. */
export function requestFields(req: NormalizedRequest, scheduler = req.scheduler): Pick<GenerateResult, 'format' | 'mimeType' | 'width' | 'height' | 'steps' | 'scheduler' | 'guidanceScale'> {
  return { format: req.outputFormat, mimeType: MIME_TYPES[req.outputFormat], width: req.width, height: req.height, steps: req.steps, scheduler, guidanceScale: req.guidanceScale };
}
