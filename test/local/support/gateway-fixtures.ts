import type {
  ApiDefinition,
  ApiMethod,
  ApiStage,
  GatewayRequest,
  GatewayResponse,
  GatewayResponseDefinition,
  Integration,
  InvokeOutcome,
  InvokeRequest,
  LambdaInvoker,
  LocalEnvironment,
  RequestValidator,
} from '../../../local/model';

/** The local environment of every fixture API. */
export const ENVIRONMENT: LocalEnvironment = {
  accountId: '123456789012',
  region: 'us-east-1',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
};
/** The REST API id of every fixture API. */
export const API_ID = 'a1b2c3d4e5';
/** The function fixture integrations invoke, unqualified. */
export const HELLO_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:ServerlessApi-HelloAD23A60E-abc123';
/** The start of every Lambda integration URI, before the function ARN. */
export const FUNCTIONS_PATH = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions';
/** A fixed arrival time: 21 Nov 2026, 10:00:00 UTC. */
export const RECEIVED_AT = Date.UTC(2026, 10, 21, 10, 0, 0);

/** A Lambda proxy integration invoking `HELLO_ARN` qualified by the `lambdaAlias` stage variable. */
export function proxyIntegration(overrides: Partial<Integration> = {}): Integration {
  return {
    type: 'AWS_PROXY',
    httpMethod: 'POST',
    uri: `${FUNCTIONS_PATH}/${HELLO_ARN}:\${stageVariables.lambdaAlias}/invocations`,
    requestTemplates: {},
    passthroughBehavior: 'WHEN_NO_MATCH',
    requestParameters: {},
    integrationResponses: [],
    timeoutInMillis: 29000,
    ...overrides,
  };
}

/** A MOCK integration answering 200 with `responseTemplate` (none: an empty body). */
export function mockIntegration(overrides: Partial<Integration> = {}, responseTemplate?: string): Integration {
  return {
    type: 'MOCK',
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
    passthroughBehavior: 'WHEN_NO_MATCH',
    requestParameters: {},
    integrationResponses: [
      {
        statusCode: '200',
        responseTemplates: responseTemplate === undefined ? {} : { 'application/json': responseTemplate },
        responseParameters: {},
      },
    ],
    timeoutInMillis: 29000,
    ...overrides,
  };
}

/** One method of the API: its path, verb and integration, and optionally validation settings. */
export interface RouteSpec {
  readonly path: string;
  readonly httpMethod: string;
  readonly integration?: Integration;
  readonly requestParameters?: Record<string, boolean>;
  readonly requestModels?: Record<string, string>;
  readonly requestValidatorId?: string;
  readonly apiKeyRequired?: boolean;
}

/** A stage named `name`: deployment `dep1`, `lambdaAlias` = its name, no canary, no access log. */
export function stage(name: string, overrides: Partial<ApiStage> = {}): ApiStage {
  return {
    name,
    deploymentId: 'dep1',
    variables: { lambdaAlias: name },
    methodSettings: [],
    tracingEnabled: false,
    ...overrides,
  };
}

/** Options of {@link buildApi}. */
export interface ApiSpec {
  readonly routes: readonly RouteSpec[];
  /** @default [stage('beta')] */
  readonly stages?: readonly ApiStage[];
  readonly models?: Record<string, unknown>;
  readonly validators?: readonly RequestValidator[];
  readonly binaryMediaTypes?: readonly string[];
  readonly apiKeys?: ApiDefinition['apiKeys'];
  readonly usagePlans?: ApiDefinition['usagePlans'];
  /** The API's gateway responses. */
  readonly gatewayResponses?: readonly GatewayResponseDefinition[];
}

/**
 * An API definition with a resource for every prefix of every route's path, as the assembly part would build it.
 * Resource ids are `r` and the path's position among the resources, `root0000` for `/`.
 */
export function buildApi(spec: ApiSpec): ApiDefinition {
  interface MutableResource {
    id: string;
    pathPart: string;
    path: string;
    children: MutableResource[];
    methods: Map<string, ApiMethod>;
  }
  const root: MutableResource = { id: 'root0000', pathPart: '', path: '/', children: [], methods: new Map() };
  let count = 0;
  const resourceAt = (path: string): MutableResource => {
    let node = root;
    for (const part of path.split('/').filter((segment) => segment !== '')) {
      let child = node.children.find((candidate) => candidate.pathPart === part);
      if (child === undefined) {
        child = {
          id: `r${String(++count).padStart(7, '0')}`,
          pathPart: part,
          path: `${node.path === '/' ? '' : node.path}/${part}`,
          children: [],
          methods: new Map(),
        };
        node.children.push(child);
      }
      node = child;
    }
    return node;
  };
  for (const route of spec.routes) {
    const resource = resourceAt(route.path);
    resource.methods.set(route.httpMethod, {
      httpMethod: route.httpMethod,
      resourceId: resource.id,
      resourcePath: resource.path,
      authorizationType: 'NONE',
      apiKeyRequired: route.apiKeyRequired ?? false,
      requestParameters: route.requestParameters ?? {},
      requestModels: route.requestModels ?? {},
      ...(route.requestValidatorId !== undefined && { requestValidatorId: route.requestValidatorId }),
      integration: route.integration ?? proxyIntegration(),
      methodResponses: [],
    });
  }
  return {
    stackName: 'ServerlessApi-default',
    environment: ENVIRONMENT,
    restApiLogicalId: 'Api9AF3637B',
    restApiId: API_ID,
    apiName: 'staged-serverless-api',
    binaryMediaTypes: spec.binaryMediaTypes ?? [],
    root,
    models: new Map(Object.entries(spec.models ?? {})),
    validators: new Map((spec.validators ?? []).map((validator) => [validator.id, validator])),
    stages: spec.stages ?? [stage('beta')],
    ...(spec.apiKeys !== undefined && { apiKeys: spec.apiKeys }),
    ...(spec.usagePlans !== undefined && { usagePlans: spec.usagePlans }),
    ...(spec.gatewayResponses !== undefined && {
      gatewayResponses: new Map(spec.gatewayResponses.map((response) => [response.responseType, response])),
    }),
    functions: [],
    permissions: [],
  };
}

/** A request as the server hands it over; `headers` default to a curl-like `Host` and `User-Agent`. */
export function request(
  method: string,
  url: string,
  options: { headers?: [string, string][]; body?: string | Buffer; sourceIp?: string; receivedAt?: number } = {},
): GatewayRequest {
  return {
    method,
    url,
    headers: options.headers ?? [
      ['Host', '127.0.0.1:3000'],
      ['User-Agent', 'curl/8.5.0'],
      ['Accept', '*/*'],
    ],
    body: typeof options.body === 'string' ? Buffer.from(options.body) : (options.body ?? Buffer.alloc(0)),
    sourceIp: options.sourceIp ?? '127.0.0.1',
    protocol: 'HTTP/1.1',
    receivedAt: options.receivedAt ?? RECEIVED_AT,
  };
}

/** A Lambda stand-in that records each invocation and answers with `answer` (by default, the event echoed in a 200). */
export class FakeInvoker implements LambdaInvoker {
  readonly calls: InvokeRequest[] = [];

  constructor(
    private readonly answer: (request: InvokeRequest) => InvokeOutcome | Promise<InvokeOutcome> = (invocation) =>
      success({ statusCode: 200, body: JSON.stringify(invocation.payload) }),
  ) {}

  async invoke(invocation: InvokeRequest): Promise<InvokeOutcome> {
    this.calls.push(invocation);
    return this.answer(invocation);
  }

  /** The payload of the only invocation. */
  get event(): any {
    if (this.calls.length !== 1) throw new Error(`expected one invocation, got ${this.calls.length}`);
    return this.calls[0]!.payload;
  }
}

/** A successful invocation returning `payload`. */
export function success(payload: unknown): InvokeOutcome {
  return { kind: 'success', payload, functionVersion: '1', requestId: 'lambda-request-1' };
}

/** A function that returns `result` whatever the event. */
export function returning(result: unknown): FakeInvoker {
  return new FakeInvoker(() => success(result));
}

/** Every value of a response header (case-insensitive). */
export function headerValues(response: GatewayResponse, name: string): string[] {
  const lower = name.toLowerCase();
  return response.headers.filter(([candidate]) => candidate.toLowerCase() === lower).map(([, value]) => value);
}

/** The only value of a response header, or `undefined`. */
export function header(response: GatewayResponse, name: string): string | undefined {
  const values = headerValues(response, name);
  if (values.length > 1) throw new Error(`expected at most one ${name} header, got ${values.join(' | ')}`);
  return values[0];
}

/** The response body as text. */
export function text(response: GatewayResponse): string {
  return response.body.toString('utf8');
}
