/**
 * The REST API as the local gateway serves it: one stack's template, every intrinsic resolved to a local value.
 *
 * This is the contract between the three halves of the local API: `assembly/` builds it from a cloud assembly,
 * `gateway/` serves requests from it, `functions/` runs the Lambda functions it names.
 */
export interface ApiDefinition {
  /** Stack (artifact) name, e.g. `ServerlessApi-default`. */
  readonly stackName: string;
  /** The local environment every ARN and URL is built in. */
  readonly environment: LocalEnvironment;
  /** `AWS::ApiGateway::RestApi` logical id. */
  readonly restApiLogicalId: string;
  /** The local API id (10 lowercase alphanumerics, stable for a stack and logical id). */
  readonly restApiId: string;
  readonly apiName: string;
  /** `BinaryMediaTypes` of the API, as written (e.g. `image/png`, `*\/*`). */
  readonly binaryMediaTypes: readonly string[];
  /** The `/` resource; its descendants form the resource tree. */
  readonly root: ApiResource;
  /** JSON schemas by model name (`AWS::ApiGateway::Model` `Name`, or the resolved `Ref` of the model). */
  readonly models: ReadonlyMap<string, unknown>;
  /** Request validators by id (the resolved `Ref` of the `AWS::ApiGateway::RequestValidator`). */
  readonly validators: ReadonlyMap<string, RequestValidator>;
  /**
   * Authorizers by id (the resolved `Ref` of the `AWS::ApiGateway::Authorizer`). The local gateway runs the Lambda
   * ones (TOKEN, REQUEST) before methods with `CUSTOM` authorization; the OpenAPI export (`openapi/`) describes them.
   *
   * @default - none
   */
  readonly authorizers?: ReadonlyMap<string, ApiAuthorizer>;
  /**
   * The API's gateway responses (`AWS::ApiGateway::GatewayResponse`) by response type (`DEFAULT_4XX`,
   * `INVALID_API_KEY`…): how the gateway answers its own errors instead of its defaults.
   *
   * @default - none: every gateway error answers API Gateway's default response
   */
  readonly gatewayResponses?: ReadonlyMap<string, GatewayResponseDefinition>;
  readonly stages: readonly ApiStage[];
  /**
   * The API keys of the stack (`AWS::ApiGateway::ApiKey`), which methods with `apiKeyRequired` accept when a usage
   * plan of the stage holds them.
   *
   * @default - none
   */
  readonly apiKeys?: readonly ApiKey[];
  /**
   * Where a method with `apiKeyRequired` finds the caller's key (`ApiKeySourceType`): the `x-api-key` header, or the
   * `usageIdentifierKey` the method's Lambda authorizer returns.
   *
   * @default 'HEADER'
   */
  readonly apiKeySource?: 'HEADER' | 'AUTHORIZER';
  /**
   * The usage plans that serve a stage of this API (`AWS::ApiGateway::UsagePlan`), with their keys.
   *
   * @default - none
   */
  readonly usagePlans?: readonly UsagePlan[];
  /**
   * The custom domain names with a base path mapping to this API (`AWS::ApiGateway::DomainName` and
   * `BasePathMapping`): a request whose `Host` is one of them is routed by its base path instead of a stage prefix.
   *
   * @default - none
   */
  readonly domains?: readonly CustomDomain[];
  readonly functions: readonly LambdaFunction[];
  readonly permissions: readonly LambdaPermission[];
}

/** A custom domain name and its base path mappings to the served API. */
export interface CustomDomain {
  readonly logicalId: string;
  /** The domain name, lower-case, e.g. `api.example.com`. */
  readonly name: string;
  /** The mappings, longest base path first. */
  readonly mappings: readonly BasePathMapping[];
}

/** One `AWS::ApiGateway::BasePathMapping` of a {@link CustomDomain}. */
export interface BasePathMapping {
  readonly logicalId: string;
  /** The base path without slashes around it (`v1`, `partners/v1`); `''` for the `(none)` mapping. */
  readonly basePath: string;
  /**
   * The stage the mapping serves; without one, the path segment after the base path names the stage.
   *
   * @default - the next path segment names the stage
   */
  readonly stageName?: string;
}

/** Account, region and partition the local API pretends to run in. */
export interface LocalEnvironment {
  /** Stack's account if the assembly names one, else `123456789012`. */
  readonly accountId: string;
  /** Stack's region if the assembly names one, else `us-east-1`. */
  readonly region: string;
  readonly partition: string;
  readonly urlSuffix: string;
}

/** A node of the resource tree (`AWS::ApiGateway::Resource`, or the root). */
export interface ApiResource {
  /** Resolved id (the `Ref` value of the `AWS::ApiGateway::Resource`, or the API's root resource id). */
  readonly id: string;
  /** `api`, `{id}`, `{proxy+}`; `''` for the root. */
  readonly pathPart: string;
  /** Full resource path, e.g. `/api/faq/{id}`; `/` for the root. */
  readonly path: string;
  readonly children: readonly ApiResource[];
  /** Methods by HTTP method, upper case, `ANY` included as written. */
  readonly methods: ReadonlyMap<string, ApiMethod>;
}

/** A method of a resource (`AWS::ApiGateway::Method`). */
export interface ApiMethod {
  readonly httpMethod: string;
  readonly resourceId: string;
  readonly resourcePath: string;
  readonly authorizationType: string;
  /** `AuthorizerId` resolved: the id of one of {@link ApiDefinition.authorizers}, for `CUSTOM` and `COGNITO_USER_POOLS`. */
  readonly authorizerId?: string;
  /** `AuthorizationScopes` (Cognito user pools), when the method names any. */
  readonly authorizationScopes?: readonly string[];
  readonly apiKeyRequired: boolean;
  /** `method.request.querystring.x` / `.header.x` / `.path.x` → required. */
  readonly requestParameters: Readonly<Record<string, boolean>>;
  /** Content type (or `$default`) → model name. */
  readonly requestModels: Readonly<Record<string, string>>;
  readonly requestValidatorId?: string;
  readonly integration: Integration;
  readonly methodResponses: readonly MethodResponse[];
}

/** The integration types API Gateway knows; the local API serves `AWS_PROXY`, `AWS` and `MOCK`. */
export type IntegrationType = 'AWS_PROXY' | 'AWS' | 'MOCK' | 'HTTP' | 'HTTP_PROXY';

/** A method's backend (`Integration` of `AWS::ApiGateway::Method`). */
export interface Integration {
  readonly type: IntegrationType;
  /** `IntegrationHttpMethod`; AWS_PROXY needs `POST`. */
  readonly httpMethod?: string;
  /**
   * Resolved URI; stage-variable references such as `${stageVariables.lambdaAlias}` are left in, to be
   * substituted per request.
   */
  readonly uri?: string;
  /** Content type → VTL template. */
  readonly requestTemplates: Readonly<Record<string, string>>;
  /** `WHEN_NO_MATCH` (the default), `WHEN_NO_TEMPLATES` or `NEVER`. */
  readonly passthroughBehavior: string;
  readonly requestParameters: Readonly<Record<string, string>>;
  readonly integrationResponses: readonly IntegrationResponse[];
  /** 29000 unless the template says otherwise. */
  readonly timeoutInMillis: number;
  readonly contentHandling?: string;
  /**
   * `CacheKeyParameters`: the request values (`method.request.path.id`, `method.request.querystring.lang`, or an
   * integration request parameter mapped from one) that tell cached responses of the method apart.
   *
   * @default - none: every request of the method shares one cached response
   */
  readonly cacheKeyParameters?: readonly string[];
}

/** One of an integration's `IntegrationResponses`: picked by its selection pattern. */
export interface IntegrationResponse {
  readonly statusCode: string;
  /** Regex over the integration status (MOCK, HTTP) or the Lambda error message (AWS); absent or `''` = default. */
  readonly selectionPattern?: string;
  readonly responseTemplates: Readonly<Record<string, string>>;
  /** `method.response.header.X` → `'literal'` or `integration.response.header.Y` etc. */
  readonly responseParameters: Readonly<Record<string, string>>;
  readonly contentHandling?: string;
}

/** One of a method's `MethodResponses`. */
export interface MethodResponse {
  readonly statusCode: string;
  readonly responseParameters: Readonly<Record<string, boolean>>;
  readonly responseModels: Readonly<Record<string, string>>;
}

/** An `AWS::ApiGateway::RequestValidator`: what a method's validation checks. */
export interface RequestValidator {
  readonly id: string;
  readonly name?: string;
  readonly validateRequestBody: boolean;
  readonly validateRequestParameters: boolean;
}

/** An `AWS::ApiGateway::Authorizer`: a Lambda (`TOKEN`, `REQUEST`) or Cognito user pool authorizer. */
export interface ApiAuthorizer {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  /** `AuthorizerUri` resolved: the Lambda function invoked, for `TOKEN` and `REQUEST`. */
  readonly authorizerUri?: string;
  readonly authorizerCredentials?: string;
  /** `method.request.header.Authorization`, as written. */
  readonly identitySource?: string;
  readonly identityValidationExpression?: string;
  readonly authorizerResultTtlInSeconds?: number;
  /** User pool ARNs, for `COGNITO_USER_POOLS`. */
  readonly providerArns: readonly string[];
}

/** An `AWS::ApiGateway::GatewayResponse`: the status, headers and body of one type of the gateway's own errors. */
export interface GatewayResponseDefinition {
  readonly logicalId: string;
  /** `DEFAULT_4XX`, `DEFAULT_5XX`, `INVALID_API_KEY`, `THROTTLED`… */
  readonly responseType: string;
  /**
   * `StatusCode`. On `DEFAULT_4XX` or `DEFAULT_5XX` it becomes the status of every type falling back to it.
   *
   * @default - the type's own status (403 for `INVALID_API_KEY`, 429 for `THROTTLED`…)
   */
  readonly statusCode?: number;
  /** `gatewayresponse.header.X` → `'literal'`, `method.request.header.Y` (or `querystring`, `path`), `stageVariables.z`, `context.w`. */
  readonly responseParameters: Readonly<Record<string, string>>;
  /** Content type → body template (`$context`, `$stageVariables` substitutions). */
  readonly responseTemplates: Readonly<Record<string, string>>;
}

/** An `AWS::ApiGateway::ApiKey`, with the value a caller sends in `x-api-key`. */
export interface ApiKey {
  /** Resolved id (the `Ref` of the key). */
  readonly id: string;
  readonly logicalId: string;
  readonly name: string;
  /**
   * The template's `Value` when it has one; otherwise the local stand-in for the value API Gateway generates,
   * deterministic per stack and logical id (40 alphanumerics), so a key keeps its value across restarts.
   */
  readonly value: string;
  /** Whether the template set it: a generated value is known only locally. */
  readonly valueFromTemplate: boolean;
  readonly enabled: boolean;
}

/** Requests per second and burst of a plan or of one of its methods. */
export interface PlanThrottle {
  readonly rateLimit?: number;
  readonly burstLimit?: number;
}

/** An `AWS::ApiGateway::UsagePlan` as far as it concerns the served API. */
export interface UsagePlan {
  /** Resolved id (the `Ref` of the plan). */
  readonly id: string;
  readonly logicalId: string;
  readonly name: string;
  /** The served API's stages the plan names, each with its per-method throttles (`/api/hello/POST` → limits). */
  readonly stages: readonly { readonly stage: string; readonly methodThrottles: ReadonlyMap<string, PlanThrottle> }[];
  readonly throttle?: PlanThrottle;
  /** Requests per key per period; a period starts at 00:00 UTC (a week on Sunday, a month on its first day). */
  readonly quota?: { readonly limit: number; readonly period: 'DAY' | 'WEEK' | 'MONTH' };
  /** Ids of the {@link ApiKey}s in the plan (from `AWS::ApiGateway::UsagePlanKey`). */
  readonly apiKeyIds: readonly string[];
}

/** A deployed stage (`AWS::ApiGateway::Stage`, or a deployment's `StageName`). */
export interface ApiStage {
  readonly name: string;
  /** Resolved id of the stage's deployment. */
  readonly deploymentId: string;
  readonly variables: Readonly<Record<string, string>>;
  /** As written; `resourcePath` `/*` and `httpMethod` `*` mean every method. */
  readonly methodSettings: readonly MethodSetting[];
  /** `AccessLogSetting.Format`, if the stage has access logging. */
  readonly accessLogFormat?: string;
  readonly tracingEnabled: boolean;
  readonly canary?: CanarySetting;
  /**
   * `CacheClusterSize` of a stage with `CacheClusterEnabled`: its methods whose settings enable caching answer from
   * the stage cache.
   *
   * @default - no cache cluster
   */
  readonly cacheClusterSize?: string;
}

/** One of a stage's `MethodSettings`: throttling for one method, or for all with `/*`. */
export interface MethodSetting {
  readonly resourcePath: string;
  readonly httpMethod: string;
  readonly throttlingRateLimit?: number;
  readonly throttlingBurstLimit?: number;
  readonly loggingLevel?: string;
  readonly dataTraceEnabled?: boolean;
  readonly metricsEnabled?: boolean;
  /** Whether responses are cached (on a stage with a cache cluster); the stage-wide setting caches GET methods only. */
  readonly cachingEnabled?: boolean;
  /** How long a cached response answers, in seconds: 300 unless set, 0 turns caching off. */
  readonly cacheTtlInSeconds?: number;
}

/** A stage's `CanarySetting`: the share of requests sent with other stage variables. */
export interface CanarySetting {
  /** Resolved id of the canary's deployment; the stage's own when the template names none. */
  readonly deploymentId: string;
  /** 0..100; 0 when the template names none. */
  readonly percentTraffic: number;
  readonly stageVariableOverrides: Readonly<Record<string, string>>;
  readonly useStageCache: boolean;
}

/** An `AWS::Lambda::Function` with its code folder and configuration. */
export interface LambdaFunction {
  readonly logicalId: string;
  /** Construct path from `aws:cdk:path` metadata, when present. */
  readonly constructPath?: string;
  /** Physical name: `FunctionName` if set, else `<stack>-<logicalId>-<suffix>` as CloudFormation would generate. */
  readonly functionName: string;
  /** Unqualified ARN, `arn:<partition>:lambda:<region>:<account>:function:<functionName>`. */
  readonly arn: string;
  /** What `$LATEST` runs: the template's configuration and the bundle in the assembly. */
  readonly latest: FunctionCode;
  /**
   * The local version published from `latest` (see `versions/`): what `Fn::GetAtt [<Version>, Version]` of this
   * function's `AWS::Lambda::Version` resolves to.
   */
  readonly currentVersion: number;
  /** Every version the local store holds for this function, by number. */
  readonly versions: ReadonlyMap<number, FunctionCode>;
  readonly aliases: readonly LambdaAlias[];
}

/** What one version of a function runs: its bundle and the configuration published with it. */
export interface FunctionCode {
  /** Absolute path of the folder holding the bundle. */
  readonly codeDirectory: string;
  /** Hex SHA-256 over the bundle's files and this configuration: the key a version is published under. */
  readonly sha256: string;
  /** `index.handler`. */
  readonly handler: string;
  /** `nodejs24.x`. */
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  readonly environment: Readonly<Record<string, string>>;
}

/** An `AWS::Lambda::Alias`: a name on one version of a function. */
export interface LambdaAlias {
  readonly logicalId: string;
  readonly name: string;
  /** Version number (`FunctionVersion` resolved), or `$LATEST`. */
  readonly functionVersion: number | '$LATEST';
  /** `arn:...:function:<name>:<alias>`. */
  readonly arn: string;
}

/** An `AWS::Lambda::Permission`: who may invoke which function, alias or version. */
export interface LambdaPermission {
  readonly logicalId: string;
  /** As resolved: a name, `name:qualifier`, an ARN or a qualified ARN. */
  readonly functionName: string;
  readonly action: string;
  readonly principal: string;
  readonly sourceArn?: string;
  readonly sourceAccount?: string;
}

/** A construct of the template the local API cannot serve, or a property of one it would ignore. */
export interface Unsupported {
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
}

/** What the gateway asks of the local Lambda service (`functions/`): Lambda's `Invoke`, as API Gateway calls it. */
export interface LambdaInvoker {
  invoke(request: InvokeRequest): Promise<InvokeOutcome>;
}

/** One invocation as API Gateway asks Lambda for it. */
export interface InvokeRequest {
  /**
   * The function named by the integration URI, stage variables substituted: an ARN or a name, with or without a
   * qualifier (`arn:<partition>:lambda:<region>:<account>:function:<name>:beta`).
   */
  readonly functionArn: string;
  /**
   * The execute-api ARN of the calling method, checked against the target's `AWS::Lambda::Permission`s:
   * `arn:<partition>:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<resource path without leading slash>`.
   */
  readonly sourceArn: string;
  /** The event, JSON-serializable. */
  readonly payload: unknown;
}

/** How an invocation ended, as API Gateway sees it. */
export type InvokeOutcome =
  /** The function returned: `payload` is its JSON-decoded result (`null` for `undefined`). */
  | {
      readonly kind: 'success';
      readonly payload: unknown;
      readonly functionVersion: string;
      readonly requestId: string;
    }
  /**
   * The function ran and failed: it threw, timed out (`Task timed out after 10.00 seconds`), exited its process or
   * ran out of memory. API Gateway answers 502.
   */
  | {
      readonly kind: 'function-error';
      readonly errorType: string;
      readonly errorMessage: string;
      readonly functionVersion: string;
      readonly requestId: string;
    }
  /**
   * Lambda refused the invoke before any code ran: no such function, alias or version (`not-found`), no permission
   * for this source ARN (`access-denied`), a request over 6 MB (`too-large`). API Gateway answers 500 (413 for
   * `too-large`).
   */
  | {
      readonly kind: 'rejected';
      readonly reason: 'not-found' | 'access-denied' | 'too-large' | 'throttled';
      readonly message: string;
    };

/** One HTTP request as the server received it. */
export interface GatewayRequest {
  readonly method: string;
  /** The raw request target, e.g. `/beta/api/hello?a=1&a=2`. */
  readonly url: string;
  /** Header lines in arrival order, names as sent. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  readonly sourceIp: string;
  /** `HTTP/1.1`. */
  readonly protocol: string;
  /** Epoch milliseconds when the request arrived. */
  readonly receivedAt: number;
}

/** The answer, plus what the server logs for it. */
export interface GatewayResponse {
  readonly statusCode: number;
  /** Header lines, names as API Gateway would send them; repeated names allowed. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  /** The stage's access-log line for this request, rendered from its `AccessLogSetting.Format`. */
  readonly accessLogLine?: string;
  /** The stage's access log destination name (`ApiBetaAccessLogs...`, with `/Canary` for canary requests). */
  readonly accessLogDestination?: string;
  /** What the gateway measured of a request that named a stage, for the local metrics (`GET /_local/metrics`). */
  readonly metrics?: RequestMetrics;
  /** For a method the stage caches: whether the stage cache answered (`hit`) or the integration did (`miss`). */
  readonly cache?: 'hit' | 'miss';
}

/** One request as the local metrics count it: its stage and channel, its status, and what its integration did. */
export interface RequestMetrics {
  readonly stage: string;
  /** `canary` for the canary's share of a stage's requests; `base` for the rest, and on a stage without a canary. */
  readonly channel: 'base' | 'canary';
  readonly statusCode: number;
  /** `$context.integrationLatency`: how long the integration took, for requests that reached one. */
  readonly integrationLatencyMs?: number;
  /** The function the integration invoked, for requests that invoked one. */
  readonly invoked?: InvokedFunction;
  /**
   * What the method's Lambda authorizer did: the function it invoked, or `cached` when a cached result answered
   * (neither when the request lacked the identity source).
   */
  readonly authorizer?: { readonly invoked?: InvokedFunction; readonly cached: boolean };
}

/** A function invocation of a request, as the gateway saw it end. */
export interface InvokedFunction {
  /** As invoked: `arn:…:function:<name>:<alias>`, stage variables substituted. */
  readonly functionArn: string;
  /** The version that ran, when Lambda ran one. */
  readonly functionVersion?: string;
  /**
   * How it failed, if it did: the function threw or crashed (`function-error`), ran past its own timeout
   * (`function-timeout`, also a function error), or the gateway stopped waiting (`integration-timeout`, 504).
   */
  readonly failure?: 'function-error' | 'function-timeout' | 'integration-timeout';
}
