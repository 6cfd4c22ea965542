/** A pipeline the executor will not run, and why, before anything runs. */
export class PipelineRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineRefusedError';
  }
}
