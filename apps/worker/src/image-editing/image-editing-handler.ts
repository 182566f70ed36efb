import { IMAGE_EDITING_SERVICE, type ImageEditingParams, type JobPayload } from '@easel/contracts';
import type { JobOutput, ServiceHandler } from '../service-handler';
import type { ImageEditing } from './image-editing';

/** `image_editing` jobs from the bus. */
export class ImageEditingHandler implements ServiceHandler {
  readonly service = IMAGE_EDITING_SERVICE;

  constructor(private readonly editing: ImageEditing) {}

  async run(payload: JobPayload): Promise<JobOutput> {
    const { result, image, mimeType } = await this.editing.run(
      payload.params as unknown as ImageEditingParams,
      payload.tenantId,
    );
    return {
      result: result as unknown as Record<string, unknown>,
      files: [{ body: image, contentType: mimeType, extension: 'png' }],
    };
  }
}
