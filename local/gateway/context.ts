import { randomFillSync, randomUUID } from 'node:crypto';

/** `requestContext.identity` of a proxy event, for a method without authorization or API key. */
export type RequestIdentity = {
  readonly accessKey: null;
  readonly accountId: null;
  readonly caller: null;
  readonly cognitoAuthenticationProvider: null;
  readonly cognitoAuthenticationType: null;
  readonly cognitoIdentityId: null;
  readonly cognitoIdentityPoolId: null;
  readonly principalOrgId: null;
  readonly sourceIp: string;
  readonly user: null;
  readonly userAgent: string | null;
  readonly userArn: null;
  /** The API key of a request to a method that requires one (`$context.identity.apiKey`). */
  readonly apiKey?: string;
  /** Its id (`$context.identity.apiKeyId`). */
  readonly apiKeyId?: string;
};

/**
 * `requestContext` of a proxy event, and the core of `$context`: exactly the keys recorded for a method with
 * authorization NONE (no `authorizer` key, unlike the docs' example), plus `isCanaryRequest` on a stage with a
 * canary.
 */
export interface RequestContext {
  readonly accountId: string;
  readonly apiId: string;
  readonly deploymentId: string;
  readonly domainName: string;
  readonly domainPrefix: string;
  readonly extendedRequestId: string;
  readonly httpMethod: string;
  readonly identity: RequestIdentity;
  /** `/{stage}` and the raw path after it. */
  readonly path: string;
  readonly protocol: string;
  readonly requestId: string;
  readonly requestTime: string;
  readonly requestTimeEpoch: number;
  readonly resourceId: string;
  readonly resourcePath: string;
  readonly stage: string;
  /**
   * Only on a stage with a canary, as LocalStack does; AWS's proxy events were not recorded on such a stage. Its
   * `$context` value was: `"true"` or `"false"`.
   */
  readonly isCanaryRequest?: boolean;
  /**
   * On a method with a Lambda authorizer: its `principalId`, its context values (as strings) and its
   * `integrationLatency`. On a method with a Cognito user pool authorizer: `claims`, the token's claims as strings.
   */
  readonly authorizer?: AuthorizerValues;
}

/** What an authorizer passes on in `requestContext.authorizer`. */
export type AuthorizerValues = Readonly<Record<string, string | number | Readonly<Record<string, string>>>>;

/** What a request context is built from. */
export interface RequestContextInput {
  readonly accountId: string;
  readonly apiId: string;
  readonly deploymentId: string;
  /** The `Host` header, if any. */
  readonly host: string | undefined;
  readonly extendedRequestId: string;
  readonly httpMethod: string;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  readonly stage: string;
  /** The raw path after the stage segment. */
  readonly rest: string;
  /**
   * `requestContext.path` when it is not `/<stage><rest>`: on a custom domain, the path the client sent.
   *
   * @default - `/<stage><rest>`
   */
  readonly path?: string;
  readonly requestId: string;
  readonly requestTimeEpoch: number;
  readonly resourceId: string;
  readonly resourcePath: string;
  readonly isCanaryRequest: boolean | undefined;
}

/** Builds `requestContext` (and the core of `$context`) for one request. */
export function buildRequestContext(input: RequestContextInput): RequestContext {
  const domainName = input.host ?? 'localhost';
  return {
    accountId: input.accountId,
    apiId: input.apiId,
    deploymentId: input.deploymentId,
    domainName,
    // the first label of the host, which is the API id on an execute-api host
    domainPrefix: domainName.replace(/:\d*$/, '').split('.', 1)[0] ?? '',
    extendedRequestId: input.extendedRequestId,
    httpMethod: input.httpMethod,
    identity: {
      accessKey: null,
      accountId: null,
      caller: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: input.sourceIp,
      user: null,
      userAgent: input.userAgent ?? null,
      userArn: null,
    },
    path: input.path ?? `/${input.stage}${input.rest}`,
    // api gateway logs and reports HTTP/1.1 whatever the client spoke
    protocol: 'HTTP/1.1',
    requestId: input.requestId,
    requestTime: formatRequestTime(input.requestTimeEpoch),
    requestTimeEpoch: input.requestTimeEpoch,
    resourceId: input.resourceId,
    resourcePath: input.resourcePath,
    stage: input.stage,
    ...(input.isCanaryRequest !== undefined && { isCanaryRequest: input.isCanaryRequest }),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// requests arriving within the same second share their requestTime: the last one formatted is kept
let lastSecond = Number.NaN;
let lastRequestTime = '';

/** `$context.requestTime`: the CLF time `dd/MMM/yyyy:HH:mm:ss +0000`, in UTC. */
export function formatRequestTime(epochMillis: number): string {
  const second = Math.floor(epochMillis / 1000);
  if (second !== lastSecond) {
    const date = new Date(second * 1000);
    lastRequestTime =
      `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
      `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
    lastSecond = second;
  }
  return lastRequestTime;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** A new `$context.requestId` (a UUID, also the `x-amzn-RequestId` header). */
export function newRequestId(): string {
  return randomUUID();
}

/**
 * A new `$context.extendedRequestId` (also the `x-amz-apigw-id` header): 16 base64 characters ending in `=`,
 * like `YIwYiFstIAMESqA=`.
 */
export function newExtendedRequestId(): string {
  return randomText(11, 'base64');
}

// one system call fills many ids' worth of random bytes, as randomUUID does: a call per id costs more than the rest of
// the gateway's work on a request
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** `size` random bytes, written as text straight from the pool. */
function randomText(size: number, encoding: 'base64' | 'hex'): string {
  if (poolOffset + size > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const text = pool.toString(encoding, poolOffset, poolOffset + size);
  poolOffset += size;
  return text;
}

/** An X-Ray trace header: `Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>`. */
export interface TraceHeader {
  readonly root: string;
  readonly parent: string;
  readonly sampled: string;
  /** The header value. */
  readonly value: string;
}

/**
 * The trace of a request: the client's `X-Amzn-Trace-Id` Root and Parent kept (as recorded: a response echoes
 * them), a new Parent when the client sent only a Root, a new trace otherwise. A field that does not look like a
 * trace id is ignored.
 */
export function traceFor(clientHeader: string | undefined, epochMillis: number): TraceHeader {
  const fields = new Map<string, string>();
  for (const part of (clientHeader ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (equals > 0) fields.set(part.slice(0, equals).trim().toLowerCase(), part.slice(equals + 1).trim());
  }
  const root = traceField(fields.get('root')) ?? newTraceRoot(epochMillis);
  const clientParent = traceField(fields.get('parent'));
  const parent = clientParent ?? randomText(8, 'hex');
  const sampled = traceField(fields.get('sampled')) ?? (clientParent === undefined ? '0' : '1');
  return { root, parent, sampled, value: `Root=${root};Parent=${parent};Sampled=${sampled}` };
}

function newTraceRoot(epochMillis: number): string {
  const seconds = Math.floor(epochMillis / 1000)
    .toString(16)
    .padStart(8, '0');
  return `1-${seconds}-${randomText(12, 'hex')}`;
}

/** A client's trace field, if it is one: a short run of letters, digits, `-` or `?` (nothing a header cannot carry). */
function traceField(value: string | undefined): string | undefined {
  return value !== undefined && /^[0-9A-Za-z?-]{1,64}$/.test(value) ? value : undefined;
}

/** The request context of a request an authorizer let in: `authorizer` carries what it passed on. */
export function withAuthorizer(context: RequestContext, authorizer: AuthorizerValues): RequestContext {
  return { ...context, authorizer };
}

/** The request context of a request admitted with an API key: its identity names the key and its id. */
export function withApiKey(
  context: RequestContext,
  key: { readonly value: string; readonly id: string },
): RequestContext {
  return { ...context, identity: { ...context.identity, apiKey: key.value, apiKeyId: key.id } };
}
