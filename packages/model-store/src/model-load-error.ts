/** An upload that cannot become a model: `message` says why, for model_list and the logs. */
export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}
