/**
 * An error whose message is meant for the person using the bot or the CLI: it says what is
 * wrong and, in `hint`, what to do. Everything else is unexpected and gets a reference instead.
 */
export class UserError extends Error {
  override name: string = 'UserError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }

  /** Message and hint as one line for terminals and Discord replies. */
  get full(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
