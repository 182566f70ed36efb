/**
 * Bytes on the bus that are not the protobuf message they should be (or lack a field the
 * sender always sets). A consumer fails or drops such a message; retrying cannot fix it.
 */
export class MalformedMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedMessageError';
  }
}
