import { LocalApiError } from '../errors';
import type {
  ApiAuthorizer,
  ApiDefinition,
  ApiMethod,
  ApiResource,
  ApiStage,
  CanarySetting,
  Integration,
  IntegrationResponse,
  IntegrationType,
  MethodResponse,
  MethodSetting,
  RequestValidator,
  Unsupported,
} from '../model';
import type { IntrinsicResolver } from './intrinsics';
import { readGatewayResponses } from './gateway-responses';
import type { CfnTemplate } from './template';
import {
  asBoolean,
  asBooleanMap,
  asNumber,
  asRecord,
  asRecordList,
  asString,
  asStringList,
  asStringMap,
} from './values';
import { BUILT_IN_MODELS } from '../built-in-models';

/** API Gateway's defaults for an integration that leaves them out. */
const DEFAULT_PASSTHROUGH_BEHAVIOR = 'WHEN_NO_MATCH';
const DEFAULT_TIMEOUT_IN_MILLIS = 29_000;
const INTEGRATION_TYPES: readonly IntegrationType[] = ['AWS_PROXY', 'AWS', 'MOCK', 'HTTP', 'HTTP_PROXY'];
/** `CacheClusterSize` values API Gateway accepts, in GB, and the longest a method setting may cache. */
const CACHE_CLUSTER_SIZES: readonly string[] = ['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237'];
const MAX_CACHE_TTL_SECONDS = 3600;

/** The REST API part of an {@link ApiDefinition}: everything but the functions and permissions. */
export type RestApiParts = Pick<
  ApiDefinition,
  | 'restApiLogicalId'
  | 'restApiId'
  | 'apiName'
  | 'binaryMediaTypes'
  | 'root'
  | 'models'
  | 'validators'
  | 'authorizers'
  | 'gatewayResponses'
  | 'stages'
  | 'apiKeySource'
> & {
  readonly unsupported: readonly Unsupported[];
  readonly warnings: readonly string[];
};

/**
 * Reads the stack's REST API: its resource tree (from the `ParentId` chains of `AWS::ApiGateway::Resource`), methods
 * and integrations, models, request validators, gateway responses and stages (from `AWS::ApiGateway::Stage`, or a deployment's
 * `StageName`), every intrinsic resolved.
 *
 * With several REST APIs in the stack, the one with stages is served and the others are listed as unsupported.
 *
 * @throws LocalApiError when the stack has no REST API, several with stages, or a definition API Gateway would
 *   refuse (a resource whose parent is missing, two methods for one verb)
 */
export function readRestApi(template: CfnTemplate, resolver: IntrinsicResolver): RestApiParts {
  const unsupported: Unsupported[] = [];
  const warnings: string[] = [];
  const resources = deployed(template, resolver);
  const { logicalId: apiLogicalId, others } = chooseRestApi(resources, resolver);
  for (const other of others) {
    unsupported.push({
      logicalId: other,
      type: 'AWS::ApiGateway::RestApi',
      reason: `not served: the local API serves one REST API per stack (${apiLogicalId})`,
    });
  }
  const restApiId = asString(resolver.ref(apiLogicalId, `${apiLogicalId}.Ref`), `${apiLogicalId}.Ref`);
  const api = template.Resources[apiLogicalId]?.Properties ?? {};
  if (api.Body !== undefined || api.BodyS3Location !== undefined) {
    throw new LocalApiError(
      `REST API ${apiLogicalId} is defined by an OpenAPI Body, which the local API does not read: define its resources and methods as AWS::ApiGateway resources`,
    );
  }
  const apiKeySource =
    api.ApiKeySourceType === undefined ? 'HEADER' : resolver.stringProperty(apiLogicalId, 'ApiKeySourceType');
  if (apiKeySource !== 'HEADER' && apiKeySource !== 'AUTHORIZER') {
    unsupported.push({
      logicalId: apiLogicalId,
      type: 'AWS::ApiGateway::RestApi',
      reason: `ApiKeySourceType ${JSON.stringify(apiKeySource)} is neither HEADER nor AUTHORIZER: API keys are read from the x-api-key header`,
    });
  }
  for (const [property, reason] of IGNORED_API_PROPERTIES) {
    if (api[property] !== undefined) {
      unsupported.push({ logicalId: apiLogicalId, type: 'AWS::ApiGateway::RestApi', reason });
    }
  }
  const mine = (type: string) =>
    resources.filter(
      ([logicalId, resourceType]) =>
        resourceType === type && resolver.stringProperty(logicalId, 'RestApiId') === restApiId,
    );
  const root = buildResourceTree(
    apiLogicalId,
    asString(resolver.getAtt(apiLogicalId, 'RootResourceId', `${apiLogicalId}.RootResourceId`), apiLogicalId),
    mine('AWS::ApiGateway::Resource').map(([logicalId]) => logicalId),
    mine('AWS::ApiGateway::Method').map(([logicalId]) => logicalId),
    resolver,
    unsupported,
  );
  const stages = [
    ...mine('AWS::ApiGateway::Stage').map(([logicalId]) => readStage(logicalId, resolver)),
    ...mine('AWS::ApiGateway::Deployment').flatMap(([logicalId]) =>
      readDeploymentStage(logicalId, resolver, unsupported),
    ),
  ];
  const duplicate = stages.find((stage, index) => stages.findIndex((s) => s.name === stage.name) !== index);
  if (duplicate !== undefined) {
    throw new LocalApiError(`REST API ${apiLogicalId} defines stage ${duplicate.name} twice`);
  }
  if (stages.length === 0) {
    warnings.push(`REST API ${apiLogicalId} has no stage: nothing is served until the template defines one`);
  }
  return {
    restApiLogicalId: apiLogicalId,
    restApiId,
    ...(apiKeySource === 'AUTHORIZER' && { apiKeySource }),
    apiName: resolver.stringProperty(apiLogicalId, 'Name') ?? apiLogicalId,
    binaryMediaTypes: asStringList(
      resolver.property(apiLogicalId, 'BinaryMediaTypes'),
      `${apiLogicalId}.Properties.BinaryMediaTypes`,
    ),
    root,
    models: readModels(
      mine('AWS::ApiGateway::Model').map(([logicalId]) => logicalId),
      resolver,
    ),
    validators: new Map(
      mine('AWS::ApiGateway::RequestValidator').map(([logicalId]) => {
        const validator = readValidator(logicalId, resolver);
        return [validator.id, validator] as const;
      }),
    ),
    authorizers: new Map(
      mine('AWS::ApiGateway::Authorizer').flatMap(([logicalId]) => {
        const authorizer = readAuthorizer(logicalId, resolver);
        if (authorizer === undefined) {
          unsupported.push({
            logicalId,
            type: 'AWS::ApiGateway::Authorizer',
            reason:
              'the authorizer cannot be read (no Type, or a property of the wrong type): methods that use it answer 500',
          });
        }
        return authorizer === undefined ? [] : [[authorizer.id, authorizer] as const];
      }),
    ),
    gatewayResponses: readGatewayResponses(
      mine('AWS::ApiGateway::GatewayResponse').map(([logicalId]) => logicalId),
      resolver,
      apiLogicalId,
    ),
    stages,
    unsupported,
    warnings,
  };
}

const IGNORED_API_PROPERTIES: readonly (readonly [string, string])[] = [
  ['Policy', 'its resource policy (Policy) is not enforced locally: every request is allowed'],
  ['MinimumCompressionSize', 'MinimumCompressionSize is ignored: responses are never compressed locally'],
];

function deployed(template: CfnTemplate, resolver: IntrinsicResolver): [string, string][] {
  return Object.entries(template.Resources)
    .filter(([logicalId]) => resolver.isDeployed(logicalId))
    .map(([logicalId, resource]) => [logicalId, resource.Type]);
}

function chooseRestApi(
  resources: readonly [string, string][],
  resolver: IntrinsicResolver,
): { logicalId: string; others: string[] } {
  const apis = resources.filter(([, type]) => type === 'AWS::ApiGateway::RestApi').map(([logicalId]) => logicalId);
  const [only, ...rest] = apis;
  if (only === undefined) {
    throw new LocalApiError(`Stack ${resolver.stackName} has no AWS::ApiGateway::RestApi to serve`);
  }
  if (rest.length === 0) {
    return { logicalId: only, others: [] };
  }
  const staged = apis.filter((api) => {
    const id = resolver.ref(api, `${api}.Ref`);
    return resources.some(
      ([logicalId, type]) =>
        (type === 'AWS::ApiGateway::Stage' ||
          (type === 'AWS::ApiGateway::Deployment' && resolver.property(logicalId, 'StageName') !== undefined)) &&
        resolver.stringProperty(logicalId, 'RestApiId') === id,
    );
  });
  const [chosen, ...alsoStaged] = staged;
  if (chosen === undefined || alsoStaged.length > 0) {
    throw new LocalApiError(
      `Stack ${resolver.stackName} has ${apis.length} REST APIs (${apis.join(', ')}) and ${staged.length} of them have stages: the local API serves exactly one`,
    );
  }
  return { logicalId: chosen, others: apis.filter((api) => api !== chosen) };
}

interface MutableResource {
  readonly id: string;
  readonly pathPart: string;
  readonly path: string;
  readonly children: MutableResource[];
  readonly methods: Map<string, ApiMethod>;
}

function buildResourceTree(
  apiLogicalId: string,
  rootId: string,
  resourceIds: readonly string[],
  methodIds: readonly string[],
  resolver: IntrinsicResolver,
  unsupported: Unsupported[],
): ApiResource {
  const pending = resourceIds.map((logicalId) => ({
    logicalId,
    id: asString(resolver.ref(logicalId, `${logicalId}.Ref`), `${logicalId}.Ref`),
    parentId: asString(resolver.property(logicalId, 'ParentId'), `${logicalId}.Properties.ParentId`),
    pathPart: asString(resolver.property(logicalId, 'PathPart'), `${logicalId}.Properties.PathPart`),
  }));
  const root: MutableResource = { id: rootId, pathPart: '', path: '/', children: [], methods: new Map() };
  const byId = new Map<string, MutableResource>([[rootId, root]]);
  const attach = (parent: MutableResource) => {
    for (const child of pending.filter((resource) => resource.parentId === parent.id)) {
      if (parent.children.some((sibling) => sibling.pathPart === child.pathPart)) {
        throw new LocalApiError(
          `Resource ${child.logicalId}: ${parent.path} already has a child resource ${child.pathPart}`,
        );
      }
      const node: MutableResource = {
        id: child.id,
        pathPart: child.pathPart,
        path: parent.path === '/' ? `/${child.pathPart}` : `${parent.path}/${child.pathPart}`,
        children: [],
        methods: new Map(),
      };
      parent.children.push(node);
      byId.set(node.id, node);
      attach(node);
    }
  };
  attach(root);
  const orphan = pending.find((resource) => !byId.has(resource.id));
  if (orphan !== undefined) {
    throw new LocalApiError(
      `Resource ${orphan.logicalId}: its ParentId ${orphan.parentId} is neither the root of ${apiLogicalId} nor one of its resources`,
    );
  }
  for (const logicalId of methodIds) {
    const resourceId = asString(resolver.property(logicalId, 'ResourceId'), `${logicalId}.Properties.ResourceId`);
    const resource = byId.get(resourceId);
    if (resource === undefined) {
      throw new LocalApiError(`Method ${logicalId}: its ResourceId ${resourceId} is not a resource of ${apiLogicalId}`);
    }
    const method = readMethod(logicalId, resource, resolver, unsupported);
    if (method === undefined) {
      continue;
    }
    if (resource.methods.has(method.httpMethod)) {
      throw new LocalApiError(`Method ${logicalId}: ${resource.path} already has a ${method.httpMethod} method`);
    }
    resource.methods.set(method.httpMethod, method);
  }
  return root;
}

function readMethod(
  logicalId: string,
  resource: MutableResource,
  resolver: IntrinsicResolver,
  unsupported: Unsupported[],
): ApiMethod | undefined {
  const at = (property: string) => `${logicalId}.Properties.${property}`;
  const property = (name: string) => resolver.property(logicalId, name);
  const httpMethod = asString(property('HttpMethod'), at('HttpMethod')).toUpperCase();
  const refuse = (reason: string) =>
    unsupported.push({
      logicalId,
      type: 'AWS::ApiGateway::Method',
      reason: `${httpMethod} ${resource.path}: ${reason}`,
    });
  const authorizationType = asString(property('AuthorizationType') ?? 'NONE', at('AuthorizationType'));
  // CUSTOM methods run their Lambda authorizer, COGNITO_USER_POOLS ones check local stand-in user pool tokens
  if (authorizationType !== 'NONE' && authorizationType !== 'CUSTOM' && authorizationType !== 'COGNITO_USER_POOLS') {
    refuse(`${authorizationType} authorization is not checked locally: requests pass as if it were NONE`);
  }
  const apiKeyRequired = asBoolean(property('ApiKeyRequired'), at('ApiKeyRequired'), false);
  const rawIntegration = property('Integration');
  if (rawIntegration === undefined) {
    refuse('it has no Integration, so API Gateway would not deploy it; it is not served');
    return undefined;
  }
  const integration = readIntegration(asRecord(rawIntegration, at('Integration')), at('Integration'), refuse);
  const requestValidatorId = property('RequestValidatorId');
  const authorizerId = property('AuthorizerId');
  const authorizationScopes = asStringList(property('AuthorizationScopes'), at('AuthorizationScopes'));
  return {
    httpMethod,
    resourceId: resource.id,
    resourcePath: resource.path,
    authorizationType,
    ...(authorizerId === undefined ? {} : { authorizerId: asString(authorizerId, at('AuthorizerId')) }),
    ...(authorizationScopes.length === 0 ? {} : { authorizationScopes }),
    apiKeyRequired,
    requestParameters: asBooleanMap(property('RequestParameters'), at('RequestParameters')),
    requestModels: asStringMap(property('RequestModels'), at('RequestModels')),
    ...(requestValidatorId === undefined
      ? {}
      : { requestValidatorId: asString(requestValidatorId, at('RequestValidatorId')) }),
    integration,
    methodResponses: asRecordList(property('MethodResponses'), at('MethodResponses')).map(
      (response, index): MethodResponse => {
        const where = `${at('MethodResponses')}[${index}]`;
        return {
          statusCode: asString(response.StatusCode, `${where}.StatusCode`),
          responseParameters: asBooleanMap(response.ResponseParameters, `${where}.ResponseParameters`),
          responseModels: asStringMap(response.ResponseModels, `${where}.ResponseModels`),
        };
      },
    ),
  };
}

function readIntegration(
  raw: Record<string, unknown>,
  location: string,
  refuse: (reason: string) => void,
): Integration {
  const type = asString(raw.Type, `${location}.Type`) as IntegrationType;
  if (!INTEGRATION_TYPES.includes(type)) {
    throw new LocalApiError(`${location}.Type must be one of ${INTEGRATION_TYPES.join(', ')}, got ${type}`);
  }
  const uri = raw.Uri === undefined ? undefined : asString(raw.Uri, `${location}.Uri`);
  if (raw.ConnectionType === 'VPC_LINK') {
    refuse('VPC link integrations are not emulated');
  } else if (type === 'HTTP' || type === 'HTTP_PROXY') {
    refuse(`${type} integrations are not emulated: the local API calls no HTTP backend`);
  } else if ((type === 'AWS' || type === 'AWS_PROXY') && !/:lambda:path\/[^/]+\/functions\//.test(uri ?? '')) {
    refuse(`${type} integrations with services other than Lambda are not emulated (${uri ?? 'no Uri'})`);
  }
  const contentHandling = raw.ContentHandling;
  return {
    type,
    ...(raw.IntegrationHttpMethod === undefined
      ? {}
      : { httpMethod: asString(raw.IntegrationHttpMethod, `${location}.IntegrationHttpMethod`) }),
    ...(uri === undefined ? {} : { uri }),
    requestTemplates: asStringMap(raw.RequestTemplates, `${location}.RequestTemplates`),
    passthroughBehavior: asString(
      raw.PassthroughBehavior ?? DEFAULT_PASSTHROUGH_BEHAVIOR,
      `${location}.PassthroughBehavior`,
    ),
    requestParameters: asStringMap(raw.RequestParameters, `${location}.RequestParameters`),
    integrationResponses: asRecordList(raw.IntegrationResponses, `${location}.IntegrationResponses`).map(
      (response, index) => readIntegrationResponse(response, `${location}.IntegrationResponses[${index}]`),
    ),
    timeoutInMillis: asNumber(raw.TimeoutInMillis, `${location}.TimeoutInMillis`) ?? DEFAULT_TIMEOUT_IN_MILLIS,
    cacheKeyParameters: asStringList(raw.CacheKeyParameters, `${location}.CacheKeyParameters`),
    ...(contentHandling === undefined
      ? {}
      : { contentHandling: asString(contentHandling, `${location}.ContentHandling`) }),
  };
}

function readIntegrationResponse(raw: Record<string, unknown>, location: string): IntegrationResponse {
  return {
    statusCode: asString(raw.StatusCode, `${location}.StatusCode`),
    ...(raw.SelectionPattern === undefined
      ? {}
      : { selectionPattern: asString(raw.SelectionPattern, `${location}.SelectionPattern`) }),
    responseTemplates: asStringMap(raw.ResponseTemplates, `${location}.ResponseTemplates`),
    responseParameters: asStringMap(raw.ResponseParameters, `${location}.ResponseParameters`),
    ...(raw.ContentHandling === undefined
      ? {}
      : { contentHandling: asString(raw.ContentHandling, `${location}.ContentHandling`) }),
  };
}

function readModels(logicalIds: readonly string[], resolver: IntrinsicResolver): Map<string, unknown> {
  const models = new Map(BUILT_IN_MODELS);
  for (const logicalId of logicalIds) {
    const name = asString(resolver.ref(logicalId, `${logicalId}.Ref`), `${logicalId}.Ref`);
    const schema = resolver.property(logicalId, 'Schema');
    if (typeof schema !== 'string') {
      models.set(name, schema ?? {});
      continue;
    }
    try {
      models.set(name, JSON.parse(schema) as unknown);
    } catch (error) {
      throw new LocalApiError(`Model ${logicalId}: its Schema is not valid JSON (${(error as Error).message})`);
    }
  }
  return models;
}

function readValidator(logicalId: string, resolver: IntrinsicResolver): RequestValidator {
  const at = (property: string) => `${logicalId}.Properties.${property}`;
  const name = resolver.stringProperty(logicalId, 'Name');
  return {
    id: asString(resolver.ref(logicalId, `${logicalId}.Ref`), `${logicalId}.Ref`),
    ...(name === undefined ? {} : { name }),
    validateRequestBody: asBoolean(
      resolver.property(logicalId, 'ValidateRequestBody'),
      at('ValidateRequestBody'),
      false,
    ),
    validateRequestParameters: asBoolean(
      resolver.property(logicalId, 'ValidateRequestParameters'),
      at('ValidateRequestParameters'),
      false,
    ),
  };
}

/**
 * The authorizer as the local gateway runs it (TOKEN and REQUEST) and the OpenAPI export describes it; `undefined`
 * for one it cannot read (no `Type`, a property of the wrong type): the methods using it answer 500, the others are
 * served.
 */
function readAuthorizer(logicalId: string, resolver: IntrinsicResolver): ApiAuthorizer | undefined {
  try {
    return readAuthorizerProperties(logicalId, resolver);
  } catch (error) {
    if (error instanceof LocalApiError) {
      return undefined;
    }
    throw error;
  }
}

function readAuthorizerProperties(logicalId: string, resolver: IntrinsicResolver): ApiAuthorizer {
  const at = (property: string) => `${logicalId}.Properties.${property}`;
  const optional = (key: keyof ApiAuthorizer, property: string) => {
    const value = resolver.stringProperty(logicalId, property);
    return value === undefined ? {} : { [key]: value };
  };
  const ttl = asNumber(
    resolver.property(logicalId, 'AuthorizerResultTtlInSeconds'),
    at('AuthorizerResultTtlInSeconds'),
  );
  return {
    id: asString(resolver.ref(logicalId, `${logicalId}.Ref`), `${logicalId}.Ref`),
    name: resolver.stringProperty(logicalId, 'Name') ?? logicalId,
    type: asString(resolver.property(logicalId, 'Type'), at('Type')),
    ...optional('authorizerUri', 'AuthorizerUri'),
    ...optional('authorizerCredentials', 'AuthorizerCredentials'),
    ...optional('identitySource', 'IdentitySource'),
    ...optional('identityValidationExpression', 'IdentityValidationExpression'),
    ...(ttl === undefined ? {} : { authorizerResultTtlInSeconds: ttl }),
    providerArns: asStringList(resolver.property(logicalId, 'ProviderARNs'), at('ProviderARNs')),
  };
}

function readStage(logicalId: string, resolver: IntrinsicResolver): ApiStage {
  const at = (property: string) => `${logicalId}.Properties.${property}`;
  const property = (name: string) => resolver.property(logicalId, name);
  const deploymentId = property('DeploymentId');
  if (deploymentId === undefined) {
    throw new LocalApiError(`Stage ${logicalId} has no DeploymentId: API Gateway would have nothing to serve`);
  }
  const cacheCluster = asBoolean(property('CacheClusterEnabled'), at('CacheClusterEnabled'), false);
  const stage = {
    name: asString(resolver.ref(logicalId, `${logicalId}.Ref`), `${logicalId}.Ref`),
    deploymentId: asString(deploymentId, at('DeploymentId')),
    variables: asStringMap(property('Variables'), at('Variables')),
    methodSettings: readMethodSettings(property('MethodSettings'), at('MethodSettings')),
    ...accessLogFormat(property('AccessLogSetting'), at('AccessLogSetting')),
    tracingEnabled: asBoolean(property('TracingEnabled'), at('TracingEnabled'), false),
    ...(cacheCluster && { cacheClusterSize: cacheClusterSize(property('CacheClusterSize'), at('CacheClusterSize')) }),
  };
  const canary = property('CanarySetting');
  return canary === undefined
    ? stage
    : { ...stage, canary: readCanary(asRecord(canary, at('CanarySetting')), at('CanarySetting'), stage.deploymentId) };
}

/** A deployment with a `StageName` creates that stage, configured by its `StageDescription`. */
function readDeploymentStage(logicalId: string, resolver: IntrinsicResolver, unsupported: Unsupported[]): ApiStage[] {
  const at = (property: string) => `${logicalId}.Properties.${property}`;
  const stageName = resolver.stringProperty(logicalId, 'StageName');
  if (stageName === undefined) {
    return [];
  }
  if (resolver.property(logicalId, 'DeploymentCanarySettings') !== undefined) {
    unsupported.push({
      logicalId,
      type: 'AWS::ApiGateway::Deployment',
      reason: 'DeploymentCanarySettings are ignored: define the canary on the AWS::ApiGateway::Stage',
    });
  }
  const description = asRecord(resolver.property(logicalId, 'StageDescription'), at('StageDescription'));
  const where = (name: string) => `${at('StageDescription')}.${name}`;
  const stageWide: MethodSetting = {
    resourcePath: '/*',
    httpMethod: '*',
    ...optionalNumber('throttlingRateLimit', description.ThrottlingRateLimit, where('ThrottlingRateLimit')),
    ...optionalNumber('throttlingBurstLimit', description.ThrottlingBurstLimit, where('ThrottlingBurstLimit')),
    ...(description.LoggingLevel === undefined
      ? {}
      : { loggingLevel: asString(description.LoggingLevel, where('LoggingLevel')) }),
    ...optionalBoolean('dataTraceEnabled', description.DataTraceEnabled, where('DataTraceEnabled')),
    ...optionalBoolean('metricsEnabled', description.MetricsEnabled, where('MetricsEnabled')),
    ...optionalBoolean('cachingEnabled', description.CachingEnabled, where('CachingEnabled')),
    ...optionalNumber('cacheTtlInSeconds', description.CacheTtlInSeconds, where('CacheTtlInSeconds')),
  };
  const deploymentId = asString(resolver.ref(logicalId, `${logicalId}.Ref`), `${logicalId}.Ref`);
  const canary = description.CanarySetting;
  return [
    {
      name: stageName,
      deploymentId,
      variables: asStringMap(description.Variables, where('Variables')),
      methodSettings: [
        ...(Object.keys(stageWide).length > 2 ? [stageWide] : []),
        ...readMethodSettings(description.MethodSettings, where('MethodSettings')),
      ],
      ...accessLogFormat(description.AccessLogSetting, where('AccessLogSetting')),
      tracingEnabled: asBoolean(description.TracingEnabled, where('TracingEnabled'), false),
      ...(asBoolean(description.CacheClusterEnabled, where('CacheClusterEnabled'), false) && {
        cacheClusterSize: cacheClusterSize(description.CacheClusterSize, where('CacheClusterSize')),
      }),
      ...(canary === undefined
        ? {}
        : { canary: readCanary(asRecord(canary, where('CanarySetting')), where('CanarySetting'), deploymentId) }),
    },
  ];
}

function accessLogFormat(value: unknown, location: string): { accessLogFormat?: string } {
  const format = asRecord(value, location).Format;
  return format === undefined ? {} : { accessLogFormat: asString(format, `${location}.Format`) };
}

function readMethodSettings(value: unknown, location: string): MethodSetting[] {
  return asRecordList(value, location).map((raw, index) => {
    const where = (name: string) => `${location}[${index}].${name}`;
    const ttl = asNumber(raw.CacheTtlInSeconds, where('CacheTtlInSeconds'));
    if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 0 && ttl <= MAX_CACHE_TTL_SECONDS)) {
      throw new LocalApiError(`${where('CacheTtlInSeconds')} must be whole seconds from 0 to 3600, got ${ttl}`);
    }
    return {
      resourcePath: asString(raw.ResourcePath ?? '/*', where('ResourcePath')),
      httpMethod: asString(raw.HttpMethod ?? '*', where('HttpMethod')),
      ...optionalNumber('throttlingRateLimit', raw.ThrottlingRateLimit, where('ThrottlingRateLimit')),
      ...optionalNumber('throttlingBurstLimit', raw.ThrottlingBurstLimit, where('ThrottlingBurstLimit')),
      ...(raw.LoggingLevel === undefined ? {} : { loggingLevel: asString(raw.LoggingLevel, where('LoggingLevel')) }),
      ...optionalBoolean('dataTraceEnabled', raw.DataTraceEnabled, where('DataTraceEnabled')),
      ...optionalBoolean('metricsEnabled', raw.MetricsEnabled, where('MetricsEnabled')),
      ...optionalBoolean('cachingEnabled', raw.CachingEnabled, where('CachingEnabled')),
      ...(ttl === undefined ? {} : { cacheTtlInSeconds: ttl }),
    };
  });
}

/** `CacheClusterSize`: 0.5 GB unless set, as CloudFormation defaults it. */
function cacheClusterSize(value: unknown, location: string): string {
  if (value === undefined) return '0.5';
  const size = asString(value, location);
  if (!CACHE_CLUSTER_SIZES.includes(size)) {
    throw new LocalApiError(`${location} must be one of ${CACHE_CLUSTER_SIZES.join(', ')} (GB), got ${size}`);
  }
  return size;
}

/** API Gateway's canary defaults: the stage's own deployment, 0 % of the traffic, no overrides, no stage cache. */
function readCanary(raw: Record<string, unknown>, location: string, stageDeploymentId: string): CanarySetting {
  const percentTraffic = asNumber(raw.PercentTraffic, `${location}.PercentTraffic`) ?? 0;
  if (percentTraffic < 0 || percentTraffic > 100) {
    throw new LocalApiError(`${location}.PercentTraffic must be between 0 and 100, got ${percentTraffic}`);
  }
  return {
    deploymentId:
      raw.DeploymentId === undefined ? stageDeploymentId : asString(raw.DeploymentId, `${location}.DeploymentId`),
    percentTraffic,
    stageVariableOverrides: asStringMap(raw.StageVariableOverrides, `${location}.StageVariableOverrides`),
    useStageCache: asBoolean(raw.UseStageCache, `${location}.UseStageCache`, false),
  };
}

function optionalNumber<K extends string>(key: K, value: unknown, location: string): Partial<Record<K, number>> {
  const number = asNumber(value, location);
  return number === undefined ? {} : ({ [key]: number } as Record<K, number>);
}

function optionalBoolean<K extends string>(key: K, value: unknown, location: string): Partial<Record<K, boolean>> {
  return value === undefined ? {} : ({ [key]: asBoolean(value, location, false) } as Record<K, boolean>);
}
