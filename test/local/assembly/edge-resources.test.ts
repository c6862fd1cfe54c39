import * as path from 'node:path';
import { loadApi } from '../../../local/assembly';
import {
  AssemblyBuilder,
  lambdaProxyIntegration,
  removeDirectory,
  temporaryDirectory,
} from '../support/assembly-builder';

describe('edge resources at local start-up', () => {
  let work: string;

  beforeEach(() => {
    work = temporaryDirectory();
  });

  afterEach(() => {
    removeDirectory(work);
  });

  test('names a WAF web ACL and its association as not applied, not as an unknown type', async () => {
    const builder = new AssemblyBuilder('Shop')
      .function('Echo', { files: { 'index.js': 'exports.handler = async () => ({ statusCode: 200 });' } })
      .alias('Echo', 'live', 'current')
      .method('GET', '/items', { integration: lambdaProxyIntegration('Echo', 'live') })
      .stage('dev')
      .resource('Acl', { Type: 'AWS::WAFv2::WebACL', Properties: { Scope: 'REGIONAL' } })
      .resource('AclOnDev', {
        Type: 'AWS::WAFv2::WebACLAssociation',
        Properties: { WebACLArn: { 'Fn::GetAtt': ['Acl', 'Arn'] }, ResourceArn: 'x' },
      });

    const { unsupported } = await loadApi({
      assemblyDir: builder.write(path.join(work, 'cdk.out')),
      storeDir: path.join(work, '.local-api'),
    });

    const byId = Object.fromEntries(unsupported.map((u) => [u.logicalId, u.reason]));
    expect(byId.Acl).toMatch(/^the WAF web ACL is not applied/);
    expect(byId.AclOnDev).toMatch(/^the WAF web ACL is not applied/);
  });
});
