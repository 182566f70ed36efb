import { ModelLoadError } from './model-load-error';

export interface UnpackLimits {
  /** Total bytes the unpacked files may take. */
  maxBytes: number;
  maxFiles: number;
}

/**
 * What an archive has unpacked so far. Declared sizes refuse an honest bomb before it is
 * inflated; the bytes actually written are what hold a lying one to the cap.
 */
export class UnpackBudget {
  private files = 0;
  private bytes = 0;

  constructor(private readonly limits: UnpackLimits) {}

  get fileCount(): number {
    return this.files;
  }

  get byteCount(): number {
    return this.bytes;
  }

  startFile(declaredBytes: number): void {
    this.files++;
    if (this.files > this.limits.maxFiles)
      throw new ModelLoadError(`the archive holds more than ${this.limits.maxFiles} files`);
    if (this.bytes + declaredBytes > this.limits.maxBytes) this.refuseSize();
  }

  addBytes(count: number): void {
    this.bytes += count;
    if (this.bytes > this.limits.maxBytes) this.refuseSize();
  }

  private refuseSize(): never {
    throw new ModelLoadError(`the archive unpacks to more than ${this.limits.maxBytes} bytes`);
  }
}
