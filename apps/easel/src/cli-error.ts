/** A problem the user can fix (configuration, a busy port, a locked folder): one line, exit code 2. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
