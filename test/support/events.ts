import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const PARTITION = 'aws';
const API_ID = 'a1b2c3d4e5';
const HOST = `${API_ID}.execute-api.${REGION}.amazonaws.com`;

/** Fields of a proxy event to set; `stage` names the stage that received the request. */
export interface ProxyEventOptions extends Partial<APIGatewayProxyEvent> {
  /** @default 'beta' */
  readonly stage?: string;
}

/**
 * A proxy integration event (payload 1.0) as API Gateway sends it to Lambda.
 *
 * Defaults to `GET /api/hello` on the beta stage; `path`, `requestContext`, the multi-value
 * headers and the `lambdaAlias` stage variable follow the options unless given themselves.
 */
export function proxyEvent(options: ProxyEventOptions = {}): APIGatewayProxyEvent {
  const { stage = 'beta', ...fields } = options;
  const httpMethod = fields.httpMethod ?? 'GET';
  const resource = fields.resource ?? '/api/hello';
  const pathParameters = fields.pathParameters ?? null;
  const path = fields.path ?? pathOf(resource, pathParameters ?? {});
  const body = fields.body ?? null;
  const headers = fields.headers ?? defaultHeaders(body !== null);
  const requestTimeEpoch = Date.now();
  return {
    resource,
    path,
    httpMethod,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value ?? '']])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters,
    stageVariables: { lambdaAlias: stage },
    requestContext: {
      accountId: ACCOUNT,
      apiId: API_ID,
      authorizer: null,
      domainName: HOST,
      domainPrefix: API_ID,
      extendedRequestId: 'Xy3kLFHhDoEF9Rw=',
      httpMethod,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'curl/8.5.0',
        userArn: null,
      },
      path: `/${stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTime: new Date(requestTimeEpoch).toUTCString(),
      requestTimeEpoch,
      resourceId: 'abc123',
      resourcePath: resource,
      stage,
    },
    body,
    isBase64Encoded: false,
    ...fields,
  };
}

/** Fields of a Lambda context to set; `alias` is the qualifier the function was invoked through. */
export interface LambdaContextOptions {
  /** @default 'staged-api-hello' */
  readonly functionName?: string;
  /** @default '7' */
  readonly functionVersion?: string;
  /** @default 'beta' */
  readonly alias?: string;
}

/** A Lambda context as the Node.js runtime passes it to a function invoked through an alias. */
export function lambdaContext(options: LambdaContextOptions = {}): Context {
  const { functionName = 'staged-api-hello', functionVersion = '7', alias = 'beta' } = options;
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion,
    invokedFunctionArn: `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${functionName}:${alias}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2025/01/01/[${functionVersion}]0123456789abcdef0123456789abcdef`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: deprecatedCallback,
    fail: deprecatedCallback,
    succeed: deprecatedCallback,
  };
}

function deprecatedCallback(): never {
  throw new Error('the handlers return promises; they must not call the deprecated context callbacks');
}

function pathOf(resource: string, pathParameters: Partial<Record<string, string>>): string {
  return resource.replace(/\{([^}+]+)\+?\}/g, (match, name: string) => pathParameters[name] ?? match);
}

function defaultHeaders(hasBody: boolean): Record<string, string> {
  return {
    Accept: 'application/json',
    ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
    Host: HOST,
    'User-Agent': 'curl/8.5.0',
    'X-Amzn-Trace-Id': 'Root=1-67890abc-0123456789abcdef01234567',
    'X-Forwarded-For': '203.0.113.7',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
  };
}
