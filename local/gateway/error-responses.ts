import type { GatewayResponseDefinition } from '../model';
import type { GatewayError } from './gateway-responses';
import { describe, messageString, renderGatewayError } from './gateway-responses';
import { selectResponseTemplate, sharedParameterSource } from './integration-response';
import type { HeaderLines, QueryParameters } from './request';
import { headerValue } from './request';
import { isValidHeaderName, isValidHeaderValue } from './response-headers';
import { templateParams } from './request-template';
import type { TemplateContext } from './vtl';
import { renderTemplate } from './vtl';

/** API Gateway's template for every response type that has no template of its own. */
const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';

/** What a gateway response may read of the request it answers. */
export interface ErrorRequest {
  /** `$context` without `error`: the request context, or what is known before the stage is (the request ids). */
  readonly context: object;
  readonly stageVariables: Readonly<Record<string, string>>;
  /** The method request's headers, as the client sent them. */
  readonly headers: HeaderLines;
  readonly query: QueryParameters;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** An error's response, and why a gateway response could not be applied to it, if one could not. */
export interface ErrorAnswer {
  readonly statusCode: number;
  readonly headers: HeaderLines;
  readonly body: Buffer;
  /** A template that failed: the error was answered with API Gateway's default response instead. */
  readonly problem?: string;
}

/**
 * The gateway response that applies to an error: the API's response for the error's type, else its `DEFAULT_4XX` or
 * `DEFAULT_5XX` (by the error's status), else none. `STAGE_NOT_FOUND` has none: AWS answers it before an API is
 * chosen.
 */
export function gatewayResponseFor(
  error: GatewayError,
  responses: ReadonlyMap<string, GatewayResponseDefinition>,
): GatewayResponseDefinition | undefined {
  if (error.type === 'STAGE_NOT_FOUND') return undefined;
  return responses.get(error.type) ?? responses.get(error.statusCode >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX');
}

/**
 * Answers a gateway error as API Gateway does once the API has gateway responses: the applicable response's status
 * (else the error's own), its template for the request's `Accept` (else `application/json`'s, else the first; none:
 * API Gateway's default template) rendered with `$context` (`error.message`, `error.messageString`,
 * `error.responseType`, `error.validationErrorString` included) and `$stageVariables`, and its header mappings
 * (`'literal'`, `method.request.header|querystring|path.x`, `stageVariables.x`, `context.x`); `x-amzn-ErrorType` is
 * kept. Without an applicable response, the default response.
 */
export function answerGatewayError(
  error: GatewayError,
  responses: ReadonlyMap<string, GatewayResponseDefinition>,
  request: ErrorRequest,
  accept: string | undefined,
): ErrorAnswer {
  const response = gatewayResponseFor(error, responses);
  if (response === undefined) return renderGatewayError(error);

  const context = errorContext(error, request.context);
  const params = templateParams(request.pathParameters, request.query, request.headers);
  const selected = selectResponseTemplate(response.responseTemplates, accept) ?? {
    contentType: 'application/json',
    template: DEFAULT_TEMPLATE,
  };
  let body: string;
  try {
    // API Gateway substitutes variables in these templates without running VTL; for the `$context.x` and
    // `$stageVariables.x` references they hold, the VTL renderer gives the same text
    body = renderTemplate(selected.template, { context, stageVariables: request.stageVariables, body: '', params });
  } catch (failure) {
    return { ...renderGatewayError(error), problem: `gateway response ${response.responseType}: ${describe(failure)}` };
  }

  const headers = new Map<string, readonly [string, string]>();
  const set = (name: string, value: string) => headers.set(name.toLowerCase(), [name, value]);
  set('Content-Type', selected.contentType);
  set('x-amzn-ErrorType', error.errorType);
  for (const [target, source] of Object.entries(response.responseParameters)) {
    const name = /^gatewayresponse\.header\.(.+)$/.exec(target)?.[1];
    if (name === undefined || !isValidHeaderName(name)) continue;
    const value =
      requestParameter(source, request) ??
      sharedParameterSource(source, { context, stageVariables: request.stageVariables });
    if (value !== undefined && isValidHeaderValue(value)) set(name, value);
  }
  return {
    statusCode: response.statusCode ?? error.statusCode,
    headers: [...headers.values()],
    body: Buffer.from(body),
  };
}

/** `$context` of a gateway response: the request's, and what the error was. */
function errorContext(error: GatewayError, requestContext: object): TemplateContext {
  return {
    ...structuredClone(requestContext),
    error: {
      message: error.message,
      messageString: messageString(error),
      responseType: error.type,
      // escaped for a JSON string, as AWS's arrives: `[object has missing required properties ([\"key\"])]`
      validationErrorString:
        error.validationErrorString === undefined ? '' : JSON.stringify(error.validationErrorString).slice(1, -1),
    },
    requestOverride: { header: {}, querystring: {}, path: {} },
    responseOverride: { header: {} },
  };
}

/** A `method.request.header|querystring|path.x` source: the request's value, if it has one. */
function requestParameter(source: string, request: ErrorRequest): string | undefined {
  const match = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(source);
  if (match === null) return undefined;
  const [, location, name] = match as unknown as [string, string, string];
  if (location === 'header') return headerValue(request.headers, name);
  if (location === 'querystring') return request.query.single.get(name);
  return Object.prototype.hasOwnProperty.call(request.pathParameters, name) ? request.pathParameters[name] : undefined;
}
