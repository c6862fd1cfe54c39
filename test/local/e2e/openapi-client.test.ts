import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import type { OpenAPI } from 'openapi-types';
import { createApiClient } from '../../../client';
import { loadRestApiDefinition } from '../../../local/assembly';
import type { OpenApiDocument } from '../../../openapi/export';
import { exportStage } from '../../../openapi/export';
import type { E2eApi } from '../support/e2e-local-api';
import { startE2eApi } from '../support/e2e-local-api';
import { projectAssembly } from '../support/project-assembly';

const STAGES = ['beta', 'v1'] as const;

/** Valid values for the documented parameters, by name: a parameter the document adds must be given one here. */
const PARAMETER_SAMPLES: Readonly<Record<string, string>> = { id: '1' };

/** One documented operation, as the walk called it. */
interface WalkedOperation {
  readonly operation: string;
  readonly status: number;
  /** Why the answer is not as documented; absent when it is. */
  readonly problem?: string;
}

/**
 * Calls every operation of a document against `stageUrl` with the parameters from {@link PARAMETER_SAMPLES} and a
 * body sampled from its schema (a request the document says is valid), and checks each answer: a 2xx, a status the
 * operation documents (or any, where only `default` is documented), and a body that its documented schema accepts.
 */
async function walk(
  document: OpenApiDocument,
  stageUrl: string,
  credentials: Credentials = {},
): Promise<WalkedOperation[]> {
  const dereferenced = (await SwaggerParser.dereference(
    structuredClone(document) as unknown as OpenAPI.Document,
  )) as any;
  const ajv = new Ajv({ strict: false });
  const results: WalkedOperation[] = [];
  for (const [template, item] of Object.entries(dereferenced.paths as Record<string, any>)) {
    for (const [method, operation] of Object.entries(item as Record<string, any>)) {
      const name = `${method.toUpperCase()} ${template}`;
      const parameters: any[] = operation.parameters ?? [];
      const missing = parameters.find((p) => (p.in === 'path' || p.required) && !(p.name in PARAMETER_SAMPLES));
      if (missing !== undefined) {
        results.push({ operation: name, status: 0, problem: `no sample value for parameter ${missing.name}` });
        continue;
      }
      const path = template.replace(/\{([^}+]+)\+?\}/g, (_, p: string) => encodeURIComponent(PARAMETER_SAMPLES[p]!));
      const query = new URLSearchParams(
        parameters
          .filter((p) => p.in === 'query' && p.required)
          .map((p): [string, string] => [p.name, PARAMETER_SAMPLES[p.name]!]),
      );
      const media = operation.requestBody === undefined ? undefined : Object.values(operation.requestBody.content)[0];
      const headers = new Headers(media === undefined ? {} : { 'Content-Type': 'application/json' });
      const schemes = credentialsFor(operation.security, dereferenced.components?.securitySchemes ?? {}, credentials);
      if (typeof schemes === 'string') {
        results.push({ operation: name, status: 0, problem: schemes });
        continue;
      }
      for (const [header, value] of schemes) headers.set(header, value);
      const response = await fetch(`${stageUrl}${path}${query.size > 0 ? `?${query.toString()}` : ''}`, {
        method: method === 'x-amazon-apigateway-any-method' ? 'POST' : method.toUpperCase(),
        headers,
        ...(media === undefined ? {} : { body: JSON.stringify(sample((media as any).schema)) }),
      });
      const text = await response.text();
      const documented = operation.responses[String(response.status)];
      const problem =
        response.status < 200 || response.status > 299
          ? `answered ${response.status} ${text} to a request the document says is valid`
          : documented === undefined && operation.responses.default === undefined
            ? `answered ${response.status}, which it does not document (${Object.keys(operation.responses).join(', ')})`
            : bodyProblem(ajv, documented?.content, response.headers.get('content-type'), text);
      results.push({ operation: name, status: response.status, ...(problem === undefined ? {} : { problem }) });
    }
  }
  return results;
}

/** What the walk may send: an API key, and an `Authorization` value a Lambda authorizer accepts. */
interface Credentials {
  readonly apiKey?: string;
  readonly authorization?: string;
}

/**
 * The headers that satisfy an operation's `security`: an API key scheme (`type: apiKey`, `in: header`, API Gateway's
 * `api_key`) gets the API key, a Lambda authorizer's (`x-amazon-apigateway-authtype: custom`, the header its
 * identity source names) the authorization value, when the walk has them; any other scheme, or one the walk has no
 * credential for, is a problem the walk reports. Without `security`, no headers.
 */
function credentialsFor(
  security: Record<string, string[]>[] | undefined,
  schemes: Record<string, any>,
  credentials: Credentials,
): [string, string][] | string {
  if (security === undefined || security.length === 0) return [];
  const valueFor = (scheme: any): string | undefined => {
    if (scheme?.type !== 'apiKey' || scheme?.in !== 'header') return undefined;
    const authType = scheme['x-amazon-apigateway-authtype'];
    if (authType === undefined) return credentials.apiKey;
    return authType === 'custom' ? credentials.authorization : undefined;
  };
  for (const requirement of security) {
    const headers = Object.keys(requirement).map((n): [string, string | undefined] => [
      schemes[n]?.name,
      valueFor(schemes[n]),
    ]);
    if (headers.every(([, value]) => value !== undefined)) return headers as [string, string][];
  }
  return `no credentials for its security ${JSON.stringify(security)}`;
}

function bodyProblem(ajv: Ajv, content: any, contentType: string | null, text: string): string | undefined {
  if (content === undefined) {
    return undefined;
  }
  const media = content[contentType?.split(';')[0] ?? ''];
  if (media === undefined) {
    return `answered Content-Type ${contentType}, not one of ${Object.keys(content).join(', ')}`;
  }
  const validate = ajv.compile(media.schema);
  return validate(JSON.parse(text)) ? undefined : `body ${text} fails its schema: ${ajv.errorsText(validate.errors)}`;
}

/** The least value a (dereferenced) schema accepts: required properties only, the first of an enum. */
function sample(schema: any): unknown {
  if (schema.enum !== undefined) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((key: string) => [key, sample(schema.properties[key])]));
    case 'array':
      return [sample(schema.items)];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      return 'sample';
  }
}

describe('the local API against its OpenAPI export (project assembly)', () => {
  let assemblyDir: string;
  let local: E2eApi;

  beforeAll(async () => {
    assemblyDir = await projectAssembly();
    local = await startE2eApi({ assemblyDir });
  });

  afterAll(async () => {
    await local?.close();
  });

  describe.each(STAGES)('the typed client on %s', (stage) => {
    test('GET /api/hello answers the greeting of the stage', async () => {
      const { response, data } = await createApiClient(local.url, stage).GET('/api/hello', { parseAs: 'json' });
      expect(response.status).toBe(200);
      expect(data).toMatchObject({ message: 'This is lambda version 1', stage });
    });

    test('POST /api/hello echoes the key of a body its model accepts', async () => {
      const client = createApiClient(local.url, stage, {
        headers: { 'x-api-key': local.apiKeyOf(stage), Authorization: local.tokenFor() },
      });
      const { response, data } = await client.POST('/api/hello', {
        body: { key: 'k-1' },
        parseAs: 'json',
      });
      expect(response.status).toBe(200);
      expect(data).toMatchObject({ key: 'k-1', stage });
    });

    test('POST /api/hello answers 400 to a body its model refuses', async () => {
      const client = createApiClient(local.url, stage, {
        headers: { 'x-api-key': local.apiKeyOf(stage), Authorization: local.tokenFor() },
      });
      const { response, error } = await client.POST('/api/hello', {
        // the types refuse this body: the gateway's validation is what is tested
        body: { key: 42 } as unknown as { key: string },
      });
      expect(response.status).toBe(400);
      expect(error).toEqual({
        message: 'Invalid request body',
        validationErrors: '[/key must be string]',
        requestId: response.headers.get('x-amzn-requestid'),
      });
    });

    test('GET /api/faq and GET /api/faq/{id} answer entries, 404 for an unknown id', async () => {
      const client = createApiClient(local.url, stage);
      const random = await client.GET('/api/faq', { parseAs: 'json' });
      expect(random.response.status).toBe(200);
      expect(random.data).toEqual({ id: expect.any(Number), q: expect.any(String), a: expect.any(String) });

      const one = await client.GET('/api/faq/{id}', { params: { path: { id: '1' } }, parseAs: 'json' });
      expect(one.response.status).toBe(200);
      expect(one.data).toMatchObject({ id: 1 });

      const unknown = await client.GET('/api/faq/{id}', { params: { path: { id: '9999' } } });
      expect(unknown.response.status).toBe(404);
    });

    test('GET /api/health answers the MOCK body with its documented Cache-Control header', async () => {
      const { response, data } = await createApiClient(local.url, stage).GET('/api/health');
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(data).toMatchObject({ status: 'ok', stage });
    });
  });

  describe.each(STAGES)('GET /_local/openapi/%s.json', (stage) => {
    let served: OpenApiDocument;

    beforeAll(async () => {
      const response = await fetch(`${local.url}/_local/openapi/${stage}.json`);
      if (response.status !== 200) {
        throw new Error(`GET /_local/openapi/${stage}.json answered ${response.status}`);
      }
      served = (await response.json()) as OpenApiDocument;
    });

    test('is the export of the served assembly, with the local API as a second server', () => {
      const api = loadRestApiDefinition(assemblyDir);
      expect(served).toEqual(exportStage(api, { stage, localUrl: local.url }).document);
      expect((served.servers as any[])[1].url).toBe(`${local.url}/${stage}`);
    });

    test('every documented operation answers as documented', async () => {
      const walked = await walk(served, `${local.url}/${stage}`, {
        apiKey: local.apiKeyOf(stage),
        authorization: local.tokenFor(),
      });
      expect(walked.map((w) => w.operation).sort()).toEqual(
        ['GET /api/faq', 'GET /api/faq/{id}', 'GET /api/health', 'GET /api/hello', 'POST /api/hello'].sort(),
      );
      expect(walked.filter((w) => w.problem !== undefined)).toEqual([]);
    });

    test('documents the API key POST /api/hello requires: without one the walk has no credentials for it', async () => {
      expect((served as any).components.securitySchemes.api_key).toEqual({
        type: 'apiKey',
        name: 'x-api-key',
        in: 'header',
      });
      const walked = await walk(served, `${local.url}/${stage}`, { authorization: local.tokenFor() });
      expect(walked.filter((w) => w.problem !== undefined)).toEqual([
        {
          operation: 'POST /api/hello',
          status: 0,
          problem: 'no credentials for its security [{"api_key":[],"JwtAuthorizer":[]}]',
        },
      ]);
    });

    test('documents the authorizer POST /api/hello requires as get-export does: without a token, no credentials', async () => {
      expect((served as any).components.securitySchemes.JwtAuthorizer).toEqual({
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        'x-amazon-apigateway-authtype': 'custom',
        'x-amazon-apigateway-authorizer': {
          type: 'request',
          authorizerUri: expect.stringMatching(/:function:[^:]+:\$\{stageVariables\.lambdaAlias\}\/invocations$/),
          identitySource: 'method.request.header.Authorization',
          authorizerResultTtlInSeconds: 300,
        },
      });
      const walked = await walk(served, `${local.url}/${stage}`, { apiKey: local.apiKeyOf(stage) });
      expect(walked.filter((w) => w.problem !== undefined)).toEqual([
        {
          operation: 'POST /api/hello',
          status: 0,
          problem: 'no credentials for its security [{"api_key":[],"JwtAuthorizer":[]}]',
        },
      ]);
    });
  });

  test('the walk reports a documented route the API does not serve, so the check above can fail', async () => {
    const response = await fetch(`${local.url}/_local/openapi/beta.json`);
    const document = (await response.json()) as any;
    const hello = document.paths['/api/hello'];
    // a path the API lacks, and a method /api/health lacks (it has GET only)
    document.paths = { '/api/gone': hello, '/api/health': { post: hello.post } };

    const walked = await walk(document, `${local.url}/beta`, {
      apiKey: local.apiKeyOf('beta'),
      authorization: local.tokenFor(),
    });

    expect(walked).toEqual(
      expect.arrayContaining([
        {
          operation: 'GET /api/gone',
          status: 403,
          problem: expect.stringMatching(
            /^answered 403 \{"message":"Missing Authentication Token","requestId":"[0-9a-f-]{36}"\} to a request the document says is valid$/,
          ),
        },
        {
          operation: 'POST /api/health',
          status: 403,
          problem: expect.stringContaining('answered 403'),
        },
      ]),
    );
  });

  test('GET /_local/openapi/<stage>.swagger.json is the Swagger 2.0 export', async () => {
    const response = await fetch(`${local.url}/_local/openapi/v1.swagger.json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ swagger: '2.0', basePath: '/v1' });
  });

  test('GET /_local/openapi/ lists the documents of every stage', async () => {
    const response = await fetch(`${local.url}/_local/openapi/`);
    expect(await response.json()).toEqual({
      stages: Object.fromEntries(
        STAGES.map((stage) => [
          stage,
          {
            oas30: `${local.url}/_local/openapi/${stage}.json`,
            swagger: `${local.url}/_local/openapi/${stage}.swagger.json`,
          },
        ]),
      ),
    });
  });

  test('answers 404, naming the stages, for a stage the API does not have', async () => {
    const response = await fetch(`${local.url}/_local/openapi/prod.json`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      message:
        'No OpenAPI document prod.json: GET /_local/openapi/<stage>.json or <stage>.swagger.json, stages: beta, v1',
    });
  });

  test('answers 405 to anything but GET and HEAD', async () => {
    const response = await fetch(`${local.url}/_local/openapi/beta.json`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});
