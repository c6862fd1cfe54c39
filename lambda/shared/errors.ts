/**
 * An error whose message is safe to show the caller.
 *
 * The handler wrapper answers it with its status code and `{ "message": ... }`; every other
 * error becomes a generic 500.
 */
export class HttpError extends Error {
  public override readonly name: string = 'HttpError';

  /**
   * @param statusCode the HTTP status to answer with, 400 to 599
   * @param message shown to the caller as is, so it must not carry internal detail
   * @param headers extra response headers, such as `allow` on a 405
   */
  public constructor(
    public readonly statusCode: number,
    message: string,
    public readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The request is malformed: 400. */
export class BadRequestError extends HttpError {
  public override readonly name = 'BadRequestError';

  public constructor(message: string) {
    super(400, message);
  }
}

/** Nothing lives at the resource or id asked for: 404. */
export class NotFoundError extends HttpError {
  public override readonly name = 'NotFoundError';

  public constructor(message: string) {
    super(404, message);
  }
}

/** The resource exists but does not answer this method: 405, with the `allow` header RFC 9110 asks for. */
export class MethodNotAllowedError extends HttpError {
  public override readonly name = 'MethodNotAllowedError';

  /** @param allowed the methods the resource does answer, such as `['GET', 'POST']` */
  public constructor(public readonly allowed: readonly string[]) {
    super(405, `method not allowed, use ${allowed.join(' or ')}`, { allow: allowed.join(', ') });
  }
}
