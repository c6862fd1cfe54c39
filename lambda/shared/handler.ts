import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { HttpError } from './errors';
import { toHttpRequest, type HttpRequest } from './request';
import { json } from './response';

/** The handler's own logic: answers a request or throws, an `HttpError` for anything the caller got wrong. */
export type Route = (request: HttpRequest, context: Context) => Promise<APIGatewayProxyResult> | APIGatewayProxyResult;

/** A Lambda handler for an API Gateway REST API proxy integration (payload 1.0). */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const INTERNAL_ERROR = 'Internal server error';

/**
 * Wraps a route into a handler that always answers with a JSON result and never rejects.
 *
 * An `HttpError` is answered with its status, headers and `{ message }`. Anything else is logged
 * once as structured JSON and answered with a generic 500, so neither its message nor its stack
 * reaches the caller.
 */
export function httpHandler(route: Route): ProxyHandler {
  return async (event, context) => {
    try {
      return await route(toHttpRequest(event), context);
    } catch (error) {
      if (error instanceof HttpError) {
        return json(error.statusCode, { message: error.message }, error.headers);
      }
      logUnhandled(error);
      return json(500, { message: INTERNAL_ERROR });
    }
  };
}

function logUnhandled(error: unknown): void {
  console.error({ level: 'ERROR', message: 'unhandled error', ...describeError(error) });
}

function describeError(error: unknown): Record<string, string | undefined> {
  if (error instanceof Error) {
    return { errorName: error.name, errorMessage: error.message, stack: error.stack };
  }
  try {
    return { errorName: typeof error, errorMessage: String(error) };
  } catch {
    // String() throws on an object without a prototype; the log line must still be written
    return { errorName: typeof error };
  }
}
