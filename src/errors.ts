// Errors a user can act on (bad scenario, flag, file): printed as one paragraph, no stack trace,
// exit code 2. Anything else is a bug and is reported as an internal error.

export class UserError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}
