/** A mistake in how the CLI was called: reported in one line with exit code 2, before anything is sent. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
