import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { BadRequestError, MethodNotAllowedError } from '../shared/errors';
import { httpHandler } from '../shared/handler';
import type { HttpRequest } from '../shared/request';
import { json } from '../shared/response';
import { describeVersion, parseEcho } from './greeting';

/**
 * GET and POST /api/hello: says which stage and Lambda version answered, and echoes a key; names the caller the
 * authorizer let in, on a route that has one.
 */
export const handler = httpHandler((request, context) => {
  switch (request.method) {
    case 'GET':
      return greet(request, context);
    case 'POST':
      return echo(request, context);
    default:
      throw new MethodNotAllowedError(['GET', 'POST']);
  }
});

function greet(request: HttpRequest, context: Context): APIGatewayProxyResult {
  return json(200, {
    message: describeVersion(context.functionVersion),
    stage: request.stage,
    environment: request.stageVariables.environment ?? null,
    functionVersion: context.functionVersion,
    ...(request.caller && { caller: request.caller }),
  });
}

function echo(request: HttpRequest, context: Context): APIGatewayProxyResult {
  // the gateway's request model already refuses these bodies; direct invocations and local runs skip it
  const parsed = parseEcho(request.body);
  if (!parsed.ok) {
    throw new BadRequestError(parsed.reason);
  }
  return json(200, {
    key: parsed.value.key,
    stage: request.stage,
    functionVersion: context.functionVersion,
    ...(request.caller && { caller: request.caller }),
  });
}
