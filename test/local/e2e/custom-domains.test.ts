import { describeApi } from '../../../local/startup-report';
import { AssemblyBuilder, lambdaProxyIntegration, mockIntegration } from '../support/assembly-builder';
import { serveForSuite } from '../support/e2e-local-api';

const ECHO_EVENT = `exports.handler = async (event) => ({
  statusCode: 200,
  body: JSON.stringify({
    path: event.path,
    resource: event.resource,
    contextPath: event.requestContext.path,
    stage: event.requestContext.stage,
    domainName: event.requestContext.domainName,
    domainPrefix: event.requestContext.domainPrefix,
    alias: event.stageVariables && event.stageVariables.alias,
  }),
});`;

/** Allows every request, and passes on what its REQUEST event said of the path. */
const PATH_AUTHORIZER = `exports.handler = async (event) => ({
  principalId: 'anyone',
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }] },
  context: { eventPath: event.path, methodArn: event.methodArn },
});`;

const ECHO_AUTHORIZER = `exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer) });`;

const mapping = (basePath: string | undefined, stage: string | undefined) => ({
  Type: 'AWS::ApiGateway::BasePathMapping',
  Properties: {
    DomainName: { Ref: 'Domain' },
    RestApiId: { Ref: 'Api' },
    ...(basePath !== undefined && { BasePath: basePath }),
    ...(stage !== undefined && { Stage: { Ref: `Stage${stage[0]!.toUpperCase()}${stage.slice(1)}` } }),
  },
});

/**
 * Stages `beta` and `v1` over one echo function (and a MOCK health check), and the custom domain api.example.com as the stack writes it (`beta`
 * → beta, `v1` → v1) plus a two-level base path (`partners/v1` → v1) and one mapping without a stage (`any`: the next
 * segment names it); a second domain, www.example.com, maps its `(none)` base path to beta.
 */
function domainAssembly(): string {
  return new AssemblyBuilder('Domains')
    .function('Echo', { files: { 'index.js': ECHO_EVENT } })
    .alias('Echo', 'beta', 'current')
    .alias('Echo', 'v1', 'current')
    .method('GET', '/api/items/{id}', { integration: lambdaProxyIntegration('Echo', '${stageVariables.alias}') })
    .method('GET', '/api/health', { integration: mockIntegration(200, '{"ok":true}') })
    .function('Paths', { files: { 'index.js': PATH_AUTHORIZER } })
    .alias('Paths', 'v1', 'current')
    .permission('Paths', { qualifier: 'v1', source: '/authorizers/*' })
    .function('Who', { files: { 'index.js': ECHO_AUTHORIZER } })
    .alias('Who', 'v1', 'current')
    .permission('Who', { qualifier: 'v1', method: 'GET', path: '/api/secure' })
    .resource('PathAuthorizer', {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: {
        Name: 'paths',
        RestApiId: { Ref: 'Api' },
        Type: 'REQUEST',
        AuthorizerResultTtlInSeconds: 0,
        AuthorizerUri: (lambdaProxyIntegration('Paths', 'v1') as { Uri: unknown }).Uri,
      },
    })
    .method('GET', '/api/secure', {
      integration: lambdaProxyIntegration('Who', 'v1'),
      properties: { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: 'PathAuthorizer' } },
    })
    .permission('Echo', { qualifier: 'beta', method: 'GET', path: '/api/items/*' })
    .permission('Echo', { qualifier: 'v1', method: 'GET', path: '/api/items/*' })
    .stage('beta', { variables: { alias: 'beta' } })
    .stage('v1', { variables: { alias: 'v1' } })
    .resource('Domain', {
      Type: 'AWS::ApiGateway::DomainName',
      Properties: {
        DomainName: 'api.example.com',
        EndpointConfiguration: { Types: ['REGIONAL'] },
        SecurityPolicy: 'TLS_1_2',
      },
    })
    .resource('BetaMapping', mapping('beta', 'beta'))
    .resource('V1Mapping', mapping('v1', 'v1'))
    .resource('PartnersMapping', mapping('partners/v1', 'v1'))
    .resource('AnyMapping', mapping('any', undefined))
    .resource('Www', { Type: 'AWS::ApiGateway::DomainName', Properties: { DomainName: 'www.example.com' } })
    .resource('WwwMapping', {
      Type: 'AWS::ApiGateway::BasePathMapping',
      Properties: { DomainName: { Ref: 'Www' }, RestApiId: { Ref: 'Api' }, Stage: { Ref: 'StageBeta' } },
    })
    .write();
}

describe('local API: custom domain names, served by Host header through their base path mappings', () => {
  const local = serveForSuite(domainAssembly);

  const viaDomain = (path: string, host = 'api.example.com') => local.fetch(path, { headers: { Host: host } });

  test('routes a base path to its stage; the event keeps the base path in path and requestContext.path', async () => {
    const answer = await viaDomain('/v1/api/items/7');

    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({
      path: '/v1/api/items/7',
      resource: '/api/items/{id}',
      contextPath: '/v1/api/items/7',
      stage: 'v1',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      alias: 'v1',
    });
  });

  test("a REQUEST authorizer's event keeps the base path in path, as the proxy event does; its methodArn is the stage's", async () => {
    const viaMapping = await viaDomain('/partners/v1/api/secure');
    const direct = await local.fetch('/v1/api/secure');

    expect(viaMapping.status).toBe(200);
    expect(viaMapping.json()).toMatchObject({
      eventPath: '/partners/v1/api/secure',
      methodArn: expect.stringMatching(/:[a-z0-9]+\/v1\/GET\/api\/secure$/),
    });
    expect(direct.json()).toMatchObject({
      eventPath: '/api/secure',
      methodArn: expect.stringMatching(/\/v1\/GET\/api\/secure$/),
    });
  });

  test("serves each stage's own stage variables under its own base path", async () => {
    expect((await viaDomain('/beta/api/items/7')).json()).toMatchObject({ stage: 'beta', alias: 'beta' });
    expect((await viaDomain('/v1/api/items/7')).json()).toMatchObject({ stage: 'v1', alias: 'v1' });
  });

  test('takes the longest base path that prefixes the path: partners/v1 before any shorter one', async () => {
    const answer = await viaDomain('/partners/v1/api/items/7');

    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ path: '/partners/v1/api/items/7', resource: '/api/items/{id}', stage: 'v1' });
  });

  test('through a mapping without a stage, the segment after the base path names the stage', async () => {
    const answer = await viaDomain('/any/beta/api/items/7');

    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ path: '/any/beta/api/items/7', contextPath: '/any/beta/api/items/7' });
    expect(answer.json().stage).toBe('beta');
  });

  test('the (none) mapping takes every path: the stage is not in the path', async () => {
    const answer = await viaDomain('/api/items/7', 'www.example.com');

    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ path: '/api/items/7', contextPath: '/api/items/7', stage: 'beta' });
  });

  test('matches the host without its port and regardless of case', async () => {
    const answer = await viaDomain('/v1/api/items/7', 'API.Example.com:3000');

    expect(answer.status).toBe(200);
    expect(answer.json().stage).toBe('v1');
  });

  test.each([
    ['a base path no mapping has', '/v2/api/items/7'],
    ['a base path only as a prefix of a segment', '/v1x/api/items/7'],
    ['a stage-less mapping naming no stage', '/any/prod/api/items/7'],
  ])('answers %s 403 Forbidden before any API is chosen', async (_what, path) => {
    const answer = await viaDomain(path);

    expect(answer.status).toBe(403);
    expect(answer.json()).toEqual({ message: 'Forbidden' });
    expect(answer.headers['x-amzn-errortype']).toBe('ForbiddenException');
  });

  test('serves a MOCK integration through a base path too', async () => {
    const answer = await viaDomain('/beta/api/health');

    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ ok: true });
  });

  test('a mapped base path with no route behind it answers 403 Missing Authentication Token', async () => {
    const answer = await viaDomain('/v1/nowhere');

    expect(answer.status).toBe(403);
    expect(answer.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  test('the local host keeps serving the stages by their first path segment, without base paths', async () => {
    const answer = await local.fetch('/v1/api/items/7');

    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ path: '/api/items/7', contextPath: '/v1/api/items/7', stage: 'v1' });
    expect((await local.fetch('/partners/v1/api/items/7')).status).toBe(403);
  });

  test('start-up lists each domain with its base paths and a curl to try', () => {
    const text = describeApi(local.api.loaded, 'http://127.0.0.1:3000').join('\n');

    expect(text).toContain('custom domains (send the name in the Host header; DNS and TLS are not emulated):');
    expect(text).toContain(
      '  api.example.com: /partners/v1 → stage v1, /beta → stage beta, /any → the stage named next in the path, /v1 → stage v1',
    );
    expect(text).toContain('  www.example.com: / → stage beta');
    expect(text).toContain("  e.g. curl -H 'Host: api.example.com' http://127.0.0.1:3000/partners/v1/api/health");
    // served, so not in the not-served list
    expect(local.api.loaded.unsupported.map((u) => u.type)).not.toContain('AWS::ApiGateway::DomainName');
    expect(local.api.loaded.unsupported.map((u) => u.type)).not.toContain('AWS::ApiGateway::BasePathMapping');
  });
});
