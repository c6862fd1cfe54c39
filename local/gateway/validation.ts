import Ajv from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv-draft-04';
import type { ApiDefinition, ApiMethod } from '../model';
import type { GatewayError } from './gateway-responses';
import { gatewayError } from './gateway-responses';
import { mediaType } from './media-types';
import type { HeaderLines, QueryParameters } from './request';
import { headerValue } from './request';
import { BUILT_IN_MODELS } from '../built-in-models';

/** Validates requests as a method's request validator says: required parameters first, then the body. */
export interface RequestValidation {
  /**
   * @returns a 400 (missing parameters, invalid body), a 500 (a model that cannot be used), or `undefined` when the
   * method has no validator or the request passes
   */
  validate(method: ApiMethod, request: RequestParts & BodyParts): GatewayError | undefined;
}

/** The body of a request and its `Content-Type`. */
export interface BodyParts {
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

/** The request validation of an API: its validators, its models (each compiled once). */
export function createRequestValidation(api: ApiDefinition): RequestValidation {
  const bodyValidator = createBodyValidator(api);
  return {
    validate(method, request) {
      const validator =
        method.requestValidatorId === undefined ? undefined : api.validators.get(method.requestValidatorId);
      if (validator === undefined) return undefined;
      if (validator.validateRequestParameters) {
        const missing = missingRequiredParameters(method, request);
        if (missing.length > 0) {
          return gatewayError('BAD_REQUEST_PARAMETERS', {
            message: `Missing required request parameters: [${missing.join(', ')}]`,
          });
        }
      }
      return validator.validateRequestBody
        ? bodyValidator.validate(method, request.contentType, request.body)
        : undefined;
    },
  };
}

/** The parts of a request its required parameters are looked up in. */
export interface RequestParts {
  readonly query: QueryParameters;
  readonly headers: HeaderLines;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/**
 * The names of the method's required request parameters the request lacks, in the order API Gateway lists them:
 * sorted by their `method.request.<location>.<name>` key (headers, then path, then query string). A parameter sent
 * blank (`?q=`) counts as missing; header names match whatever their case.
 */
export function missingRequiredParameters(method: ApiMethod, request: RequestParts): string[] {
  const missing: string[] = [];
  for (const [key, required] of Object.entries(method.requestParameters).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!required) continue;
    const match = /^method\.request\.([a-z]+)\.(.+)$/.exec(key);
    if (match === null) continue;
    const [, location, name] = match as unknown as [string, string, string];
    if (isBlank(parameterValue(location, name, request))) missing.push(name);
  }
  return missing;
}

function parameterValue(location: string, name: string, request: RequestParts): string | undefined {
  switch (location) {
    case 'querystring':
    case 'multivaluequerystring':
      return request.query.single.get(name);
    case 'header':
    case 'multivalueheader':
      return headerValue(request.headers, name);
    case 'path':
      return Object.prototype.hasOwnProperty.call(request.pathParameters, name)
        ? request.pathParameters[name]
        : undefined;
    default:
      return 'not checked';
  }
}

function isBlank(value: string | undefined): boolean {
  return value === undefined || value === '';
}

/** Validates request bodies against an API's models, compiling each model once. */
export interface BodyValidator {
  /**
   * Checks a body against the method's model for its `Content-Type` (`application/json` when there is none, the
   * `$default` model when no other matches). An empty body is checked as `{}`; a body that is not JSON is invalid.
   *
   * @returns a 400 BAD_REQUEST_BODY error, a 500 for a model that does not exist or compile, or `undefined` when
   * the body is valid or the method has no model for it
   */
  validate(method: ApiMethod, contentType: string | undefined, body: Buffer): GatewayError | undefined;
}

/** A {@link BodyValidator} over the API's models (JSON Schema draft-04, with `$ref`s between models). */
export function createBodyValidator(api: ApiDefinition): BodyValidator {
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false, logger: false });
  const compiled = new Map<string, ValidateFunction | Error>();
  const modelUrl = (name: string) => `https://apigateway.amazonaws.com/restapis/${api.restApiId}/models/${name}`;
  const schemaOf = (name: string): unknown => {
    const schema = api.models.get(name) ?? BUILT_IN_MODELS.get(name);
    return typeof schema === 'string' ? (JSON.parse(schema) as unknown) : schema;
  };

  let registered = false;
  const register = () => {
    registered = true;
    for (const name of new Set([...BUILT_IN_MODELS.keys(), ...api.models.keys()])) {
      try {
        ajv.addSchema(withoutId(schemaOf(name)), modelUrl(name));
      } catch {
        // reported when a method uses it
      }
    }
  };

  const validatorFor = (name: string): ValidateFunction | Error => {
    const known = compiled.get(name);
    if (known !== undefined) return known;
    if (!registered) register();
    let result: ValidateFunction | Error;
    try {
      if (schemaOf(name) === undefined) throw new Error(`the API has no model named ${JSON.stringify(name)}`);
      const validate = ajv.getSchema(modelUrl(name));
      if (validate === undefined) throw new Error(`model ${JSON.stringify(name)} is not a draft-04 JSON schema`);
      result = validate;
    } catch (error) {
      result = error instanceof Error ? error : new Error(String(error));
    }
    compiled.set(name, result);
    return result;
  };

  return {
    validate(method, contentType, body) {
      const type = mediaType(contentType) ?? 'application/json';
      const models = method.requestModels;
      const name = own(models, type) ?? own(models, '$default');
      if (name === undefined) return undefined;
      const validate = validatorFor(name);
      if (validate instanceof Error) {
        return gatewayError('API_CONFIGURATION_ERROR', { detail: `Invalid model ${name}: ${validate.message}` });
      }
      let instance: unknown;
      try {
        instance = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        return invalidBody('[the body is not valid JSON]');
      }
      if (validate(instance)) return undefined;
      const problems = (validate.errors ?? []).map((error) => `${error.instancePath || '$'} ${error.message ?? ''}`);
      return invalidBody(`[${problems.join(', ')}]`);
    },
  };
}

function invalidBody(validationErrorString: string): GatewayError {
  return gatewayError('BAD_REQUEST_BODY', {
    validationErrorString,
    detail: `Request body does not match model schema for content type: ${validationErrorString}`,
  });
}

function own(record: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** A schema without its own `id`, so that ajv registers it under its model URL alone. */
function withoutId(schema: unknown): object {
  if (typeof schema !== 'object' || schema === null) return {};
  const { id: _id, $id: _dollarId, ...rest } = schema as Record<string, unknown>;
  return rest;
}
