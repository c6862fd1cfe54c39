import * as path from 'node:path';
import { loadApi } from '../../../local/assembly';
import { AssemblyBuilder, mockIntegration, removeDirectory, temporaryDirectory } from '../support/assembly-builder';

/** An API with stages `dev` and `prod`, and the domain api.example.com with the given base path mappings. */
function withMappings(mappings: Record<string, Record<string, unknown>>, domain: Record<string, unknown> = {}) {
  const builder = new AssemblyBuilder('Shop')
    .method('GET', '/items', { integration: mockIntegration(200, '{}') })
    .stage('dev')
    .stage('prod')
    .resource('Domain', {
      Type: 'AWS::ApiGateway::DomainName',
      Properties: { DomainName: 'API.example.com', ...domain },
    });
  for (const [logicalId, properties] of Object.entries(mappings)) {
    builder.resource(logicalId, {
      Type: 'AWS::ApiGateway::BasePathMapping',
      Properties: { DomainName: { Ref: 'Domain' }, RestApiId: { Ref: 'Api' }, ...properties },
    });
  }
  return builder;
}

describe('custom domains at local start-up', () => {
  let work: string;
  const load = (builder: AssemblyBuilder) =>
    loadApi({ assemblyDir: builder.write(path.join(work, 'cdk.out')), storeDir: path.join(work, '.local-api') });

  beforeEach(() => {
    work = temporaryDirectory();
  });

  afterEach(() => {
    removeDirectory(work);
  });

  test('reads each mapping of the domain, lower-cased, longest base path first; (none) is the empty base path', async () => {
    const { api } = await load(
      withMappings({
        Dev: { BasePath: 'dev', Stage: { Ref: 'StageDev' } },
        Root: { BasePath: '(none)', Stage: { Ref: 'StageProd' } },
        Nested: { BasePath: 'shop/prod', Stage: { Ref: 'StageProd' } },
        Any: { BasePath: 'any' },
      }),
    );

    expect(api.domains).toEqual([
      {
        logicalId: 'Domain',
        name: 'api.example.com',
        mappings: [
          { logicalId: 'Nested', basePath: 'shop/prod', stageName: 'prod' },
          { logicalId: 'Dev', basePath: 'dev', stageName: 'dev' },
          { logicalId: 'Any', basePath: 'any' },
          { logicalId: 'Root', basePath: '', stageName: 'prod' },
        ],
      },
    ]);
  });

  test('leaves out a mapping to another REST API; a domain with no mapping to this one has none (its host answers 403)', async () => {
    const builder = withMappings({
      Other: { RestApiId: 'abcdef1234', BasePath: 'dev' },
    });
    const { api } = await load(builder);

    expect(api.domains).toEqual([{ logicalId: 'Domain', name: 'api.example.com', mappings: [] }]);
  });

  test.each([
    [
      { A: { BasePath: '/dev' } },
      "Properties.BasePath must be letters, digits and $-_.+!*'() in segments joined by '/'",
    ],
    [{ A: { BasePath: 'dev/' } }, 'A.Properties.BasePath must be letters'],
    [{ A: { BasePath: 'a b' } }, 'A.Properties.BasePath must be letters'],
    [
      { A: { BasePath: 'dev', Stage: 'qa' } },
      'A.Properties.Stage names stage qa, which the API does not have (it has dev, prod)',
    ],
    [
      { A: { BasePath: 'dev' }, B: { BasePath: 'dev', Stage: { Ref: 'StageDev' } } },
      'B maps base path "dev" of api.example.com, which A already maps: API Gateway holds one mapping per base path',
    ],
    [{ A: {}, B: { BasePath: '(none)' } }, 'B maps base path (none) of api.example.com, which A already maps'],
  ])('refuses %j as API Gateway would', async (mappings, message) => {
    await expect(load(withMappings(mappings))).rejects.toThrow(message);
  });

  test('names mutual TLS on a domain as not checked', async () => {
    const { unsupported } = await load(
      withMappings(
        { Dev: { BasePath: 'dev', Stage: { Ref: 'StageDev' } } },
        { MutualTlsAuthentication: { TruststoreUri: 's3://bucket/truststore.pem' } },
      ),
    );

    expect(unsupported).toContainEqual({
      logicalId: 'Domain',
      type: 'AWS::ApiGateway::DomainName',
      reason: 'its mutual TLS is not checked: the local API speaks plain HTTP and asks no client certificate',
    });
  });
});
