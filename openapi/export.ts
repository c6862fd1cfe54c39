import type { RestApiDefinition } from '../local/assembly';
import type { ApiAuthorizer, ApiMethod, ApiResource, ApiStage, Integration, MethodResponse } from '../local/model';
import type { SchemaDialect } from './schemas';
import { SCHEMA_REF_PREFIX, convertModel } from './schemas';

/** The two export types of `aws apigateway get-export`: `oas30` (OpenAPI 3.0.1) and `swagger` (Swagger 2.0). */
export type ExportFormat = SchemaDialect;
export const EXPORT_FORMATS: readonly ExportFormat[] = ['oas30', 'swagger'];

/** A JSON document: what {@link exportStage} returns, ready for `JSON.stringify`. */
export type OpenApiDocument = Record<string, unknown>;

/** What {@link exportStage} exports, and how. */
export interface ExportOptions {
  /** The stage whose document this is: its name is the `basePath`. */
  readonly stage: string;
  /** @default 'oas30' */
  readonly format?: ExportFormat;
  /**
   * The local API's address (`http://127.0.0.1:3000`): adds `<localUrl>/<stage>` as a second server, so a client
   * importing the document can call `npm start`. OpenAPI 3.0 only (Swagger 2.0 has one host).
   *
   * @default - the stage's execute-api URL only, as AWS's export
   */
  readonly localUrl?: string;
}

/** A document, and what it could not express. */
export interface ExportResult {
  readonly document: OpenApiDocument;
  /** One line each: a model keyword the format has no equivalent for, dropped. */
  readonly warnings: readonly string[];
}

/** A stage name the API does not have. */
export class UnknownStageError extends Error {
  override readonly name = 'UnknownStageError';
}

/** API Gateway's integration timeout when the template sets none: the export leaves it out, as AWS's does. */
const DEFAULT_TIMEOUT_IN_MILLIS = 29_000;
/** OpenAPI's order of operations in a path item; API Gateway's `ANY` has an extension of its own. */
const METHOD_ORDER = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'ANY'];
const ANY_METHOD = 'x-amazon-apigateway-any-method';
/** API Gateway's names for the security schemes of API keys and IAM authorization in its exports. */
const API_KEY_SCHEME = 'api_key';
const SIGV4_SCHEME = 'sigv4';

/**
 * Exports one stage of a REST API as `aws apigateway get-export --export-type oas30|swagger --parameters
 * extensions='apigateway'` writes it, from the API as the cloud assembly defines it:
 *
 * - the stage's server (`https://<api-id>.execute-api.<region>.<suffix>/{basePath}`, `basePath` `/<stage>`);
 * - every resource path and method (`ANY` as `x-amazon-apigateway-any-method`), with path parameters from the
 *   path template, query and header parameters from `RequestParameters` (their required flags), the request body
 *   from `RequestModels` and the responses from `MethodResponses` (headers and models);
 * - the models as schemas ({@link convertModel}: draft-04 converted where the format differs);
 * - `x-amazon-apigateway-integration` (type, uri, httpMethod, passthrough behaviour, templates, parameters,
 *   responses, timeout, cache key parameters), `x-amazon-apigateway-request-validators` and each method's
 *   `x-amazon-apigateway-request-validator`, `x-amazon-apigateway-binary-media-types`,
 *   `x-amazon-apigateway-api-key-source` (when it is AUTHORIZER),
 *   `x-amazon-apigateway-gateway-responses` (each response's status, parameters and templates);
 * - security schemes for API keys (`api_key`), IAM (`sigv4`) and authorizers (`x-amazon-apigateway-authtype`,
 *   `x-amazon-apigateway-authorizer`), and each method's `security`.
 *
 * Unlike AWS's, a method without method responses gets a `default` response (OpenAPI requires one), and
 * `info.version` is the stage's deployment id (AWS writes the deployment's creation time).
 *
 * @throws UnknownStageError when the API has no stage `options.stage`
 */
export function exportStage(api: RestApiDefinition, options: ExportOptions): ExportResult {
  const format = options.format ?? 'oas30';
  const stage = api.stages.find((candidate) => candidate.name === options.stage);
  if (stage === undefined) {
    const names = api.stages.map((candidate) => candidate.name);
    throw new UnknownStageError(
      `REST API ${api.apiName} of stack ${api.stackName} has no stage ${options.stage} (stages: ${names.length === 0 ? 'none' : names.join(', ')})`,
    );
  }
  const warnings: string[] = [];
  const schemas = new Map<string, unknown>();
  for (const [name, schema] of [...api.models].sort(([a], [b]) => a.localeCompare(b))) {
    const converted = convertModel(name, schema, format);
    converted.schemas.forEach((value, key) => schemas.set(key, value));
    warnings.push(...converted.warnings);
  }
  const context: Context = { api, format, securitySchemes: new Map() };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const resource of resources(api.root)) {
    const methods = [...resource.methods.values()].sort(
      (a, b) => METHOD_ORDER.indexOf(a.httpMethod) - METHOD_ORDER.indexOf(b.httpMethod),
    );
    if (methods.length === 0) {
      continue;
    }
    paths[resource.path] = Object.fromEntries(
      methods.map((method) => [
        method.httpMethod === 'ANY' ? ANY_METHOD : method.httpMethod.toLowerCase(),
        operation(method, context),
      ]),
    );
  }
  const validators = Object.fromEntries(
    [...api.validators.values()].map((validator) => [
      validator.name ?? validator.id,
      {
        validateRequestBody: validator.validateRequestBody,
        validateRequestParameters: validator.validateRequestParameters,
      },
    ]),
  );
  const securitySchemes = Object.fromEntries([...context.securitySchemes].sort(([a], [b]) => a.localeCompare(b)));
  const extensions = {
    ...gatewayResponsesOf(api),
    ...(api.validators.size === 0 ? {} : { 'x-amazon-apigateway-request-validators': validators }),
    ...(api.binaryMediaTypes.length === 0 ? {} : { 'x-amazon-apigateway-binary-media-types': api.binaryMediaTypes }),
    ...(api.apiKeySource === 'AUTHORIZER' && { 'x-amazon-apigateway-api-key-source': 'AUTHORIZER' }),
  };
  const info = { title: api.apiName, version: stage.deploymentId };
  const host = `${api.restApiId}.execute-api.${api.environment.region}.${api.environment.urlSuffix}`;
  const document: OpenApiDocument =
    format === 'oas30'
      ? {
          openapi: '3.0.1',
          info,
          servers: [
            { url: `https://${host}/{basePath}`, variables: { basePath: { default: `/${stage.name}` } } },
            ...(options.localUrl === undefined
              ? []
              : [{ url: `${options.localUrl}/${stage.name}`, description: 'the local API (npm start)' }]),
          ],
          paths,
          components: {
            schemas: Object.fromEntries(schemas),
            ...(context.securitySchemes.size === 0 ? {} : { securitySchemes }),
          },
          ...extensions,
        }
      : {
          swagger: '2.0',
          info,
          host,
          basePath: `/${stage.name}`,
          schemes: ['https'],
          paths,
          ...(context.securitySchemes.size === 0 ? {} : { securityDefinitions: securitySchemes }),
          definitions: Object.fromEntries(schemas),
          ...extensions,
        };
  return { document, warnings };
}

/**
 * `x-amazon-apigateway-gateway-responses`: the API's gateway responses by type, each with its `statusCode` (a
 * string, as AWS writes it), `responseParameters` and `responseTemplates`, the empty ones left out.
 */
function gatewayResponsesOf(api: RestApiDefinition): Record<string, unknown> {
  const responses = [...(api.gatewayResponses?.values() ?? [])].sort((a, b) =>
    a.responseType.localeCompare(b.responseType),
  );
  if (responses.length === 0) return {};
  return {
    'x-amazon-apigateway-gateway-responses': Object.fromEntries(
      responses.map((response) => [
        response.responseType,
        {
          ...(response.statusCode !== undefined && { statusCode: String(response.statusCode) }),
          ...(Object.keys(response.responseParameters).length > 0 && {
            responseParameters: response.responseParameters,
          }),
          ...(Object.keys(response.responseTemplates).length > 0 && { responseTemplates: response.responseTemplates }),
        },
      ]),
    ),
  };
}

/** The stages {@link exportStage} can export, in template order. */
export function stageNames(api: RestApiDefinition): string[] {
  return api.stages.map((stage: ApiStage) => stage.name);
}

interface Context {
  readonly api: RestApiDefinition;
  readonly format: ExportFormat;
  /** Filled while operations are written: only the schemes some method uses appear, as in AWS's export. */
  readonly securitySchemes: Map<string, Record<string, unknown>>;
}

/** Every resource of the tree, sorted by path, for a stable document. */
function resources(root: ApiResource): ApiResource[] {
  const all: ApiResource[] = [];
  const visit = (resource: ApiResource) => {
    all.push(resource);
    resource.children.forEach(visit);
  };
  visit(root);
  return all.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function operation(method: ApiMethod, context: Context): Record<string, unknown> {
  const { format, api } = context;
  const ref = (model: string) => ({ $ref: `${SCHEMA_REF_PREFIX[format]}${model}` });
  const parameters: Record<string, unknown>[] = parametersOf(method, format);
  const bodies = Object.entries(method.requestModels).map(([contentType, model]) => [mediaType(contentType), model]);
  let requestBody: Record<string, unknown> | undefined;
  if (bodies.length > 0) {
    if (format === 'oas30') {
      requestBody = {
        content: Object.fromEntries(bodies.map(([contentType, model]) => [contentType, { schema: ref(model!) }])),
        required: true,
      };
    } else {
      // swagger 2.0 has one body parameter: the first model's, each content type in `consumes`
      const [, model] = bodies[0]!;
      parameters.push({ in: 'body', name: model, required: true, schema: ref(model!) });
    }
  }
  const responses = responsesOf(method.methodResponses, format, ref);
  const security = securityOf(method, context);
  const validator = method.requestValidatorId === undefined ? undefined : api.validators.get(method.requestValidatorId);
  const produces = [
    ...new Set(method.methodResponses.flatMap((response) => Object.keys(response.responseModels).map(mediaType))),
  ];
  return {
    ...(format === 'swagger' && bodies.length > 0 ? { consumes: bodies.map(([contentType]) => contentType) } : {}),
    ...(format === 'swagger' && produces.length > 0 ? { produces } : {}),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(requestBody === undefined ? {} : { requestBody }),
    responses,
    ...(security === undefined ? {} : { security }),
    ...(validator === undefined ? {} : { 'x-amazon-apigateway-request-validator': validator.name ?? validator.id }),
    'x-amazon-apigateway-integration': integrationOf(method.integration),
  };
}

/** `$default` (a model for any content type) has no media type: OpenAPI's nearest is the range `*\/*`. */
function mediaType(contentType: string): string {
  return contentType === '$default' ? '*/*' : contentType;
}

function parametersOf(method: ApiMethod, format: ExportFormat): Record<string, unknown>[] {
  const typed = (type: string) => (format === 'oas30' ? { schema: { type } } : { type });
  const fromPath = [...method.resourcePath.matchAll(/\{([^}]+?)\+?\}/g)].map((match) => match[1]!);
  const declared = Object.entries(method.requestParameters).flatMap(([key, required]) => {
    const match = /^method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.(.+)$/.exec(key);
    return match === null ? [] : [{ source: match[1]!, name: match[2]!, required }];
  });
  const path = fromPath.map((name) => ({ name, in: 'path', required: true, ...typed('string') }));
  const rest = declared
    .filter((parameter) => parameter.source !== 'path')
    .map((parameter) => {
      const multi = parameter.source.startsWith('multivalue');
      const location = parameter.source.endsWith('header') ? 'header' : 'query';
      const schema =
        format === 'oas30'
          ? { schema: multi ? { type: 'array', items: { type: 'string' } } : { type: 'string' } }
          : multi
            ? { type: 'array', items: { type: 'string' }, collectionFormat: 'multi' }
            : { type: 'string' };
      return { name: parameter.name, in: location, ...(parameter.required ? { required: true } : {}), ...schema };
    });
  return [...path, ...rest];
}

function responsesOf(
  methodResponses: readonly MethodResponse[],
  format: ExportFormat,
  ref: (model: string) => { $ref: string },
): Record<string, unknown> {
  if (methodResponses.length === 0) {
    // OpenAPI requires at least one response; AWS's export leaves `responses` out here
    return { default: { description: 'the integration response, passed through (the method declares none)' } };
  }
  return Object.fromEntries(
    methodResponses.map((response) => {
      const headerNames = Object.keys(response.responseParameters).flatMap((key) => {
        const match = /^method\.response\.header\.(.+)$/.exec(key);
        return match === null ? [] : [match[1]!];
      });
      const headers = Object.fromEntries(
        headerNames.map((name) => [name, format === 'oas30' ? { schema: { type: 'string' } } : { type: 'string' }]),
      );
      const models = Object.entries(response.responseModels);
      const body =
        models.length === 0
          ? {}
          : format === 'oas30'
            ? {
                content: Object.fromEntries(
                  models.map(([contentType, model]) => [mediaType(contentType), { schema: ref(model) }]),
                ),
              }
            : { schema: ref(models[0]![1]) };
      return [
        response.statusCode,
        {
          description: `${response.statusCode} response`,
          ...(headerNames.length === 0 ? {} : { headers }),
          ...body,
        },
      ];
    }),
  );
}

function securityOf(method: ApiMethod, context: Context): Record<string, string[]>[] | undefined {
  const requirement: Record<string, string[]> = {};
  const { securitySchemes } = context;
  if (method.apiKeyRequired) {
    securitySchemes.set(API_KEY_SCHEME, { type: 'apiKey', name: 'x-api-key', in: 'header' });
    requirement[API_KEY_SCHEME] = [];
  }
  if (method.authorizationType === 'AWS_IAM') {
    securitySchemes.set(SIGV4_SCHEME, {
      type: 'apiKey',
      name: 'Authorization',
      in: 'header',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
    requirement[SIGV4_SCHEME] = [];
  }
  const authorizer = method.authorizerId === undefined ? undefined : context.api.authorizers?.get(method.authorizerId);
  if (
    authorizer !== undefined &&
    (method.authorizationType === 'CUSTOM' || method.authorizationType === 'COGNITO_USER_POOLS')
  ) {
    securitySchemes.set(authorizer.name, authorizerScheme(authorizer));
    requirement[authorizer.name] = [...(method.authorizationScopes ?? [])];
  }
  return Object.keys(requirement).length === 0 ? undefined : [requirement];
}

function authorizerScheme(authorizer: ApiAuthorizer): Record<string, unknown> {
  const type = authorizer.type.toLowerCase();
  // a token authorizer reads one header, named by its identity source; a request authorizer may read several
  const header = /^method\.request\.header\.([^,\s]+)$/.exec(authorizer.identitySource ?? '')?.[1];
  const cognito = authorizer.type === 'COGNITO_USER_POOLS';
  return {
    type: 'apiKey',
    name: cognito ? 'Authorization' : (header ?? 'Unused'),
    in: 'header',
    'x-amazon-apigateway-authtype': cognito ? 'cognito_user_pools' : 'custom',
    'x-amazon-apigateway-authorizer': {
      type,
      ...(authorizer.authorizerUri === undefined ? {} : { authorizerUri: authorizer.authorizerUri }),
      ...(authorizer.authorizerCredentials === undefined
        ? {}
        : { authorizerCredentials: authorizer.authorizerCredentials }),
      ...(authorizer.identitySource === undefined || cognito ? {} : { identitySource: authorizer.identitySource }),
      ...(authorizer.identityValidationExpression === undefined
        ? {}
        : { identityValidationExpression: authorizer.identityValidationExpression }),
      ...(authorizer.authorizerResultTtlInSeconds === undefined
        ? {}
        : { authorizerResultTtlInSeconds: authorizer.authorizerResultTtlInSeconds }),
      ...(cognito ? { providerARNs: authorizer.providerArns } : {}),
    },
  };
}

/** `x-amazon-apigateway-integration`, as AWS's export writes it: types and passthrough behaviours in lower case. */
function integrationOf(integration: Integration): Record<string, unknown> {
  const responses = Object.fromEntries(
    integration.integrationResponses.map((response) => [
      response.selectionPattern === undefined || response.selectionPattern === ''
        ? 'default'
        : response.selectionPattern,
      {
        statusCode: response.statusCode,
        ...(Object.keys(response.responseParameters).length === 0
          ? {}
          : { responseParameters: response.responseParameters }),
        ...(Object.keys(response.responseTemplates).length === 0
          ? {}
          : { responseTemplates: response.responseTemplates }),
        ...(response.contentHandling === undefined ? {} : { contentHandling: response.contentHandling }),
      },
    ]),
  );
  return {
    type: integration.type.toLowerCase(),
    ...(integration.httpMethod === undefined ? {} : { httpMethod: integration.httpMethod }),
    ...(integration.uri === undefined ? {} : { uri: integration.uri }),
    ...(Object.keys(responses).length === 0 ? {} : { responses }),
    ...(Object.keys(integration.requestParameters).length === 0
      ? {}
      : { requestParameters: integration.requestParameters }),
    ...(Object.keys(integration.requestTemplates).length === 0
      ? {}
      : { requestTemplates: integration.requestTemplates }),
    passthroughBehavior: integration.passthroughBehavior.toLowerCase(),
    ...(integration.timeoutInMillis === DEFAULT_TIMEOUT_IN_MILLIS
      ? {}
      : { timeoutInMillis: integration.timeoutInMillis }),
    ...(integration.contentHandling === undefined ? {} : { contentHandling: integration.contentHandling }),
    ...((integration.cacheKeyParameters ?? []).length === 0
      ? {}
      : { cacheKeyParameters: integration.cacheKeyParameters }),
  };
}
