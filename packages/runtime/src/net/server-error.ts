/** An S_ERROR from the server: a rejected message, or the reason of the close that follows it. */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  /** `ErrorCode` for a rejected message; see the server for codes sent before a close. */
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}
