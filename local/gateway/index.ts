import type { ApiDefinition, ApiStage, GatewayRequest, GatewayResponse, LambdaInvoker, RequestMetrics } from '../model';
import type { LogValue, LogVariableFamily } from './access-log';
import { compileAccessLog } from './access-log';
import { chooseDeployment } from './canary';
import type { RequestContext, TraceHeader } from './context';
import type { AuthorizerReport } from './authorizers';
import { createAuthorizerRunner } from './authorizers';
import {
  buildRequestContext,
  newExtendedRequestId,
  newRequestId,
  traceFor,
  withApiKey,
  withAuthorizer,
} from './context';
import { answerGatewayError } from './error-responses';
import type { GatewayError } from './gateway-responses';
import { gatewayError, isGatewayError, messageString, renderGatewayError } from './gateway-responses';
import type { IntegrationReport } from './lambda-integration';
import { runLambdaCustom, runLambdaProxy } from './lambda-integration';
import { isBinaryMediaType, mediaType } from './media-types';
import type { MappingRequest } from './mock';
import { runMock } from './mock';
import { buildProxyEvent, integrationHeaders } from './proxy-event';
import type { HeaderLines, QueryParameters } from './request';
import { headerValue, parseQuery, parseTarget } from './request';
import { templateParams } from './request-template';
import { withGatewayHeaders } from './response-headers';
import type { RouteMatch } from './router';
import { matchRoute, requestPath, resolveStage } from './router';
import { createThrottle } from './throttle';
import { createUsagePlanMeter } from './usage-plans';
import { domainOf, resolveDomainPath } from './custom-domains';
import { planCache, StageCaches } from './stage-cache';
import { createRequestValidation } from './validation';
import { createTemplateContext } from './vtl';

export { mulberry32 } from './canary';

/** API Gateway's payload limit, which cannot be raised: 10 MB. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;

/** What a gateway serves, and with what. */
export interface GatewayOptions {
  /** The API to serve. */
  readonly api: ApiDefinition;
  /** Lambda's Invoke, for Lambda integrations. */
  readonly invoker: LambdaInvoker;
  /**
   * Numbers in [0, 1) deciding which requests a stage's canary serves (`random() * 100 < percentTraffic`); pass a
   * seeded generator ({@link mulberry32}) for repeatable runs.
   *
   * @default Math.random
   */
  readonly random?: () => number;
  /**
   * The clock, in epoch milliseconds, for throttling and latencies.
   *
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Receives one line for each request the gateway or its integration fails, saying why in the words of API
   * Gateway's execution log (a missing permission, a malformed proxy result, a function error…).
   *
   * @default - no such lines
   */
  readonly log?: (line: string) => void;
  /**
   * Whether stage, method and account throttling limits apply (429 Too Many Requests beyond them). Turn it off only
   * to measure the gateway itself under load, as `bench/local-api.ts` does: API Gateway always throttles.
   *
   * @default true
   */
  readonly throttling?: boolean;
  /**
   * The stage caches, kept across gateways so that a reload (a new deployment) keeps the cached answers, as on AWS.
   *
   * @default - caches of this gateway only
   */
  readonly stageCaches?: StageCaches;
}

/** API Gateway's request pipeline over one API. */
export interface Gateway {
  /** Answers one request. Never rejects: anything unexpected answers 500 `{"message": "Internal server error"}`. */
  handle(request: GatewayRequest): Promise<GatewayResponse>;
}

/** What a request's access-log line and response headers are made from. */
interface Exchange {
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly started: number;
  stage?: ApiStage;
  isCanaryRequest?: boolean;
  stageVariables?: Readonly<Record<string, string>>;
  pathParameters?: Readonly<Record<string, string>>;
  requestContext?: RequestContext;
  trace?: TraceHeader;
  report: IntegrationReport;
  cache?: 'hit' | 'miss';
  authorizer?: AuthorizerReport;
}

type Answer = { readonly statusCode: number; readonly headers: HeaderLines; readonly body: Buffer } | GatewayError;

/**
 * Creates API Gateway's request pipeline over an API: stage (and canary) selection, routing, throttling, request
 * validation, the integration (Lambda proxy, Lambda without proxy, MOCK), the gateway's own error responses, and
 * the stage's access-log line.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const { api, invoker } = options;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const throttle = options.throttling === false ? undefined : createThrottle(now);
  const validation = createRequestValidation(api);
  const usagePlans = createUsagePlanMeter(api, now, options.throttling !== false);
  const stageCaches = options.stageCaches ?? new StageCaches(now);
  stageCaches.syncClusters(api.stages);
  const authorizers = createAuthorizerRunner(api, invoker, now);

  // each stage's access-log format, compiled once
  const accessLogs = new Map<ApiStage, (state: LogState) => string>();
  for (const stage of api.stages) {
    if (stage.accessLogFormat !== undefined)
      accessLogs.set(stage, compileAccessLog(stage.accessLogFormat, LOG_VARIABLES, LOG_VARIABLE_FAMILIES));
  }

  const finish = (exchange: Exchange, answer: Answer, traced: boolean, request: GatewayRequest): GatewayResponse => {
    const error = isGatewayError(answer) ? answer : undefined;
    if (error?.detail !== undefined) {
      options.log?.(`${exchange.requestId} ${request.method} ${request.url}: ${error.detail}`);
    }
    const rendered =
      error !== undefined
        ? answerError(error, exchange, request)
        : withoutBodyIfForbidden(answer as Exclude<Answer, GatewayError>);
    const trace = traced && error === undefined ? exchange.trace?.value : undefined;
    const headers = withGatewayHeaders(rendered.headers, rendered.body, {
      requestId: exchange.requestId,
      extendedRequestId: exchange.extendedRequestId,
      ...(trace !== undefined && { trace }),
    });
    const stage = exchange.stage;
    const metrics = stage === undefined ? undefined : metricsOf(stage, exchange, rendered.statusCode);
    const accessLog = stage === undefined ? undefined : accessLogs.get(stage);
    const cache = exchange.cache === undefined ? {} : { cache: exchange.cache };
    if (stage === undefined || accessLog === undefined) {
      return { statusCode: rendered.statusCode, headers, body: rendered.body, ...(metrics && { metrics }), ...cache };
    }
    const line = accessLog({
      exchange,
      statusCode: rendered.statusCode,
      responseLength: rendered.body.length,
      error,
      finishedAt: now(),
    });
    return {
      statusCode: rendered.statusCode,
      headers,
      body: rendered.body,
      accessLogLine: line,
      accessLogDestination: exchange.isCanaryRequest === true ? `${stage.name}/Canary` : stage.name,
      metrics,
      ...cache,
    };
  };

  const gatewayResponses = api.gatewayResponses ?? new Map();
  const answerError = (error: GatewayError, exchange: Exchange, request: GatewayRequest) => {
    if (gatewayResponses.size === 0) return renderGatewayError(error);
    const answer = answerGatewayError(
      error,
      gatewayResponses,
      {
        context: exchange.requestContext ?? {
          requestId: exchange.requestId,
          extendedRequestId: exchange.extendedRequestId,
          apiId: api.restApiId,
        },
        stageVariables: exchange.stageVariables ?? {},
        headers: request.headers,
        query: parseQuery(parseTarget(request.url).rawQuery),
        pathParameters: exchange.pathParameters ?? {},
      },
      headerValue(request.headers, 'accept'),
    );
    if (answer.problem !== undefined)
      options.log?.(`${exchange.requestId} ${request.method} ${request.url}: ${answer.problem}`);
    return answer;
  };

  const serve = async (request: GatewayRequest, exchange: Exchange): Promise<GatewayResponse> => {
    if (request.body.length > MAX_REQUEST_BODY_BYTES)
      return finish(exchange, gatewayError('REQUEST_TOO_LARGE'), false, request);

    const target = parseTarget(request.url);
    const host = headerValue(request.headers, 'host');
    const domain = domainOf(api.domains ?? [], host);
    // on a custom domain the base path picks the stage; an unmapped path is answered before any API is chosen
    const stageMatch: { stage: ApiStage; rest: string; clientPath?: string } | undefined = domain
      ? resolveDomainPath(domain, api.stages, target.rawPath)
      : resolveStage(api.stages, target.rawPath);
    if (stageMatch === undefined) return finish(exchange, gatewayError('STAGE_NOT_FOUND'), false, request);
    const { stage, rest, clientPath } = stageMatch;
    const deployment = chooseDeployment(stage, random);
    exchange.stage = stage;
    exchange.isCanaryRequest = deployment.isCanaryRequest;
    exchange.stageVariables = deployment.stageVariables;

    const path = requestPath(rest);
    const route = matchRoute(api.root, path, request.method);
    const trace = traceFor(headerValue(request.headers, 'x-amzn-trace-id'), request.receivedAt);
    exchange.trace = trace;
    const requestContext = buildRequestContext({
      accountId: api.environment.accountId,
      apiId: api.restApiId,
      deploymentId: deployment.deploymentId,
      host,
      extendedRequestId: exchange.extendedRequestId,
      httpMethod: request.method,
      sourceIp: request.sourceIp,
      userAgent: headerValue(request.headers, 'user-agent'),
      stage: stage.name,
      rest,
      ...(clientPath !== undefined && { path: clientPath }),
      requestId: exchange.requestId,
      requestTimeEpoch: request.receivedAt,
      resourceId: route?.resource.id ?? '',
      resourcePath: route?.resource.path ?? '',
      isCanaryRequest: deployment.isCanaryRequest,
    });
    exchange.requestContext = requestContext;
    exchange.pathParameters = route?.pathParameters;
    if (route === undefined) return finish(exchange, gatewayError('MISSING_AUTHENTICATION_TOKEN'), false, request);
    const query = parseQuery(target.rawQuery);
    const headers = integrationHeaders(request.headers, { sourceIp: request.sourceIp, trace: trace.value, host });
    // the authorizer runs before the API key check, as it must when the key source is AUTHORIZER
    let usageIdentifierKey: string | undefined;
    if (route.method.authorizationType === 'CUSTOM' || route.method.authorizationType === 'COGNITO_USER_POOLS') {
      const { outcome, report } = await authorizers.authorize({
        method: route.method,
        stage: stage.name,
        resourcePath: route.resource.path,
        path,
        ...(clientPath !== undefined && { eventPath: clientPath }),
        httpMethod: request.method,
        headers,
        query,
        pathParameters: route.pathParameters,
        stageVariables: deployment.stageVariables,
        requestContext,
      });
      exchange.authorizer = report;
      if (isGatewayError(outcome)) return finish(exchange, outcome, false, request);
      exchange.requestContext = withAuthorizer(exchange.requestContext, outcome.authorizer);
      usageIdentifierKey = outcome.usageIdentifierKey;
    }
    if (route.method.apiKeyRequired) {
      const admitted = usagePlans.admit(
        stage,
        route.method,
        api.apiKeySource === 'AUTHORIZER' ? { fromAuthorizer: usageIdentifierKey } : { headers: request.headers },
      );
      if (isGatewayError(admitted)) return finish(exchange, admitted, false, request);
      exchange.requestContext = withApiKey(exchange.requestContext, admitted.key);
    }
    if (throttle !== undefined && !throttle.admit(stage, route.method))
      return finish(exchange, gatewayError('THROTTLED'), false, request);

    const contentType = headerValue(request.headers, 'content-type');
    const accept = headerValue(request.headers, 'accept');
    const invalid = validation.validate(route.method, {
      query,
      headers: request.headers,
      pathParameters: route.pathParameters,
      contentType,
      body: request.body,
    });
    if (invalid !== undefined) return finish(exchange, invalid, false, request);

    // the stage cache answers after the method request (authorization, keys, throttling, validation), before the
    // integration
    const cachePlan = planCache({
      stage,
      isCanaryRequest: deployment.isCanaryRequest === true,
      method: route.method,
      httpMethod: request.method,
      pathParameters: route.pathParameters,
      query,
      headers: request.headers,
    });
    const warned = (answer: Answer): Answer =>
      cachePlan?.warning === undefined || isGatewayError(answer)
        ? answer
        : { ...answer, headers: [...answer.headers, ['Warning', cachePlan.warning]] };
    if (cachePlan !== undefined) {
      const cached = stageCaches.get(cachePlan.key);
      exchange.cache = cached === undefined ? 'miss' : 'hit';
      if (cached !== undefined) return finish(exchange, warned(cached), true, request);
    }

    const { answer, report, traced } = await integrate({
      api,
      invoker,
      now,
      request,
      route,
      stage,
      stageVariables: deployment.stageVariables,
      requestContext: exchange.requestContext,
      // through a base path mapping the event's path keeps the base path, as API Gateway sends it
      path: clientPath ?? path,
      query,
      headers,
      contentType,
      accept,
    });
    exchange.report = report;
    // what the integration answered is cached whatever its status; the gateway's own errors are not
    if (cachePlan !== undefined && !isGatewayError(answer)) {
      stageCaches.set(cachePlan.key, stage.name, answer, cachePlan.ttlSeconds);
    }
    return finish(exchange, warned(answer), traced, request);
  };

  return {
    async handle(request) {
      const exchange: Exchange = {
        requestId: newRequestId(),
        extendedRequestId: newExtendedRequestId(),
        started: now(),
        report: {},
      };
      try {
        return await serve(request, exchange);
      } catch (error) {
        const trace = error instanceof Error ? (error.stack ?? error.message) : String(error);
        options.log?.(`${exchange.requestId} internal error of the local gateway: ${trace}`);
        return internalError(exchange);
      }
    },
  };
}

/** What the local metrics count of a request that named a stage. */
function metricsOf(stage: ApiStage, exchange: Exchange, statusCode: number): RequestMetrics {
  const { latency, invoked } = exchange.report;
  return {
    stage: stage.name,
    channel: exchange.isCanaryRequest === true ? 'canary' : 'base',
    statusCode,
    ...(latency !== undefined && { integrationLatencyMs: latency }),
    ...(invoked !== undefined && { invoked }),
    ...(exchange.authorizer !== undefined && { authorizer: exchange.authorizer }),
  };
}

/** A 204 or 304 response cannot carry a body (HTTP would read it as the start of the next response). */
function withoutBodyIfForbidden<T extends { statusCode: number; body: Buffer }>(answer: T): T {
  return answer.statusCode === 204 || answer.statusCode === 304 ? { ...answer, body: Buffer.alloc(0) } : answer;
}

/** Everything an integration may read of a request that passed routing, throttling and validation. */
interface IntegrationInput {
  readonly api: ApiDefinition;
  readonly invoker: LambdaInvoker;
  readonly now: () => number;
  readonly request: GatewayRequest;
  readonly route: RouteMatch;
  readonly stage: ApiStage;
  readonly stageVariables: Readonly<Record<string, string>>;
  readonly requestContext: RequestContext;
  /** The proxy event's `path`: the path after the stage, or on a custom domain the path the client sent. */
  readonly path: string;
  readonly query: QueryParameters;
  /** The headers as they reach an integration. */
  readonly headers: HeaderLines;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
}

/** Runs the method's integration; `traced` says whether a success carries the `X-Amzn-Trace-Id` header. */
async function integrate(
  input: IntegrationInput,
): Promise<{ answer: Answer; report: IntegrationReport; traced: boolean }> {
  const { api, route, request } = input;
  const integration = route.method.integration;
  const call = {
    api,
    invoker: input.invoker,
    stage: input.stage.name,
    method: route.method,
    stageVariables: input.stageVariables,
    now: input.now,
  };
  switch (integration.type) {
    case 'AWS_PROXY': {
      const event = buildProxyEvent({
        resourcePath: route.resource.path,
        path: input.path,
        httpMethod: request.method,
        headers: input.headers,
        query: input.query,
        pathParameters: route.pathParameters,
        stageVariables: input.stageVariables,
        requestContext: input.requestContext,
        body: request.body,
        binary: isBinaryMediaType(mediaType(input.contentType), api.binaryMediaTypes),
      });
      const binaryAccepted = isBinaryMediaType(mediaType(input.accept), api.binaryMediaTypes);
      const { response, report } = await runLambdaProxy(call, event, binaryAccepted);
      return { answer: response, report, traced: true };
    }
    case 'AWS': {
      const { response, report } = await runLambdaCustom(call, mappingRequest(input));
      return { answer: response, report, traced: true };
    }
    case 'MOCK': {
      const { response, integrationStatus } = runMock(mappingRequest(input));
      return { answer: response, report: { status: integrationStatus }, traced: false };
    }
    default: {
      const detail = `Execution failed: ${integration.type} integrations are not served locally`;
      return { answer: gatewayError('API_CONFIGURATION_ERROR', { detail }), report: {}, traced: false };
    }
  }
}

/** What a mapping template (of a MOCK or a non-proxy Lambda integration) is rendered from. */
function mappingRequest(input: IntegrationInput): MappingRequest {
  const { route } = input;
  return {
    integration: route.method.integration,
    contentType: input.contentType,
    accept: input.accept,
    body: input.request.body,
    context: createTemplateContext(input.requestContext),
    stageVariables: input.stageVariables,
    params: templateParams(route.pathParameters, input.query, input.headers),
  };
}

/** The answer when the gateway itself fails: built from constants, so that it cannot fail in turn. */
function internalError(exchange: Exchange): GatewayResponse {
  const rendered = renderGatewayError(gatewayError('DEFAULT_5XX'));
  return {
    statusCode: rendered.statusCode,
    headers: withGatewayHeaders(rendered.headers, rendered.body, {
      requestId: exchange.requestId,
      extendedRequestId: exchange.extendedRequestId,
    }),
    body: rendered.body,
  };
}

/** What an access-log line is rendered from, once the response is known. */
interface LogState {
  readonly exchange: Exchange;
  readonly statusCode: number;
  readonly responseLength: number;
  readonly error: GatewayError | undefined;
  readonly finishedAt: number;
}

const IDENTITY_FIELDS = [
  'accessKey',
  'accountId',
  'apiKey',
  'apiKeyId',
  'caller',
  'cognitoAuthenticationProvider',
  'cognitoAuthenticationType',
  'cognitoIdentityId',
  'cognitoIdentityPoolId',
  'principalOrgId',
  'sourceIp',
  'user',
  'userAgent',
  'userArn',
] as const;

/** One value a Lambda authorizer passed on; a user pool authorizer's `claims` map is no log value. */
function authorizerValue(exchange: Exchange, name: string): string | number | undefined {
  const value = exchange.requestContext?.authorizer?.[name];
  return typeof value === 'object' ? undefined : value;
}

/**
 * `$context.authorizer.claims.<claim>`: a claim of the token a user pool authorizer accepted;
 * `$context.authorizer.<key>`: a value of the context a Lambda authorizer returned (as a string, as API Gateway
 * passes it on). Without an authorizer, or without that claim or key, they print `-`.
 */
const LOG_VARIABLE_FAMILIES: readonly LogVariableFamily<LogState>[] = [
  {
    prefix: 'authorizer.claims.',
    read: ({ exchange }, claim) => {
      const claims = exchange.requestContext?.authorizer?.claims;
      return typeof claims === 'object' ? claims[claim] : undefined;
    },
  },
  { prefix: 'authorizer.', read: ({ exchange }, key) => authorizerValue(exchange, key) },
];

/** The `$context` variables an access-log line may print, each read from the request's state when used. */
const LOG_VARIABLES: ReadonlyMap<string, (state: LogState) => LogValue> = new Map<
  string,
  (state: LogState) => LogValue
>([
  ['accountId', ({ exchange }) => exchange.requestContext?.accountId],
  ['apiId', ({ exchange }) => exchange.requestContext?.apiId],
  ['authorizer.integrationLatency', ({ exchange }) => authorizerValue(exchange, 'integrationLatency')],
  ['authorizer.latency', ({ exchange }) => authorizerValue(exchange, 'integrationLatency')],
  ['authorizer.principalId', ({ exchange }) => authorizerValue(exchange, 'principalId')],
  ['awsEndpointRequestId', ({ exchange }) => exchange.report.requestId],
  ['deploymentId', ({ exchange }) => exchange.requestContext?.deploymentId],
  ['domainName', ({ exchange }) => exchange.requestContext?.domainName],
  ['domainPrefix', ({ exchange }) => exchange.requestContext?.domainPrefix],
  ['error.message', ({ error }) => error?.message],
  ['error.messageString', ({ error }) => error && messageString(error)],
  ['error.responseType', ({ error }) => (error?.type === 'STAGE_NOT_FOUND' ? undefined : error?.type)],
  ['error.validationErrorString', ({ error }) => error?.validationErrorString],
  ['extendedRequestId', ({ exchange }) => exchange.extendedRequestId],
  ['httpMethod', ({ exchange }) => exchange.requestContext?.httpMethod],
  ['integration.error', ({ exchange }) => exchange.report.errorMessage],
  ['integration.integrationStatus', ({ exchange }) => exchange.report.status],
  ['integration.latency', ({ exchange }) => exchange.report.latency],
  ['integration.requestId', ({ exchange }) => exchange.report.requestId],
  ['integration.status', ({ exchange }) => exchange.report.functionStatus],
  ['integrationErrorMessage', ({ exchange }) => exchange.report.errorMessage],
  ['integrationLatency', ({ exchange }) => exchange.report.latency],
  ['integrationStatus', ({ exchange }) => exchange.report.status],
  ['isCanaryRequest', ({ exchange }) => exchange.isCanaryRequest],
  ['path', ({ exchange }) => exchange.requestContext?.path],
  ['protocol', ({ exchange }) => exchange.requestContext?.protocol],
  ['requestId', ({ exchange }) => exchange.requestId],
  ['requestTime', ({ exchange }) => exchange.requestContext?.requestTime],
  ['requestTimeEpoch', ({ exchange }) => exchange.requestContext?.requestTimeEpoch],
  ['resourceId', ({ exchange }) => exchange.requestContext?.resourceId],
  ['resourcePath', ({ exchange }) => exchange.requestContext?.resourcePath],
  ['responseLatency', ({ exchange, finishedAt }) => Math.max(0, finishedAt - exchange.started)],
  ['responseLength', ({ responseLength }) => responseLength],
  ['stage', ({ exchange }) => exchange.requestContext?.stage],
  ['status', ({ statusCode }) => statusCode],
  ['xrayTraceId', ({ exchange }) => (exchange.stage?.tracingEnabled === true ? exchange.trace?.root : undefined)],
  ...IDENTITY_FIELDS.map((field): [string, (state: LogState) => LogValue] => [
    `identity.${field}`,
    ({ exchange }) => exchange.requestContext?.identity[field],
  ]),
]);
