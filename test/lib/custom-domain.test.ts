import { Template } from 'aws-cdk-lib/assertions';
import { ApiStack } from '../../lib/api-stack';
import { ConfigError, parseConfig } from '../../lib/config';
import {
  changedOutputs,
  changedResources,
  nagFindings,
  newApp,
  rawConfig,
  shippedConfig,
  synthApiStack,
  synthWithPolicies,
} from '../support/template';

const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f0e8c1a-5d3b-4c7e-9a21-7b6f5e4d3c2b';

/** The committed config with a `domain` block (and, when given, a placement) on the default environment. */
function withDomain(domain: unknown, placement: { account?: string; region?: string } = {}): unknown {
  const raw = rawConfig();
  Object.assign(raw.environments.default, placement, { domain });
  return raw;
}

describe('api.environments.<env>.domain', () => {
  test('is off in the shipped config: the stages answer on their execute-api URLs only', () => {
    expect(shippedConfig().domain).toBeUndefined();
    const { template } = synthApiStack();
    template.resourceCountIs('AWS::ApiGateway::DomainName', 0);
    template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 0);
  });

  test('parses a name, a certificate and a hosted zone whose name is a parent of it', () => {
    const domain = {
      name: 'api.example.com',
      certificateArn: CERTIFICATE,
      hostedZone: { id: 'Z0ABC123', name: 'example.com' },
    };
    expect(parseConfig(withDomain(domain, { account: '123456789012', region: 'eu-west-1' })).domain).toEqual(domain);
  });

  test.each([
    [{ certificateArn: CERTIFICATE }, 'domain.name must be a lower-case domain name such as api.example.com'],
    [{ name: 'API.example.com', certificateArn: CERTIFICATE }, 'domain.name must be a lower-case domain name'],
    [{ name: '*.example.com', certificateArn: CERTIFICATE }, 'domain.name must be a lower-case domain name'],
    [{ name: 'api.example.com.', certificateArn: CERTIFICATE }, 'domain.name must be a lower-case domain name'],
    [{ name: 'localhost', certificateArn: CERTIFICATE }, 'domain.name must be a lower-case domain name'],
    [{ name: 'api.example.com' }, 'domain.certificateArn must be an ACM certificate ARN'],
    [
      { name: 'api.example.com', certificateArn: CERTIFICATE.replace(':acm:', ':iam:') },
      'domain.certificateArn must be an ACM certificate ARN',
    ],
    [{ name: 'api.example.com', certificateArn: CERTIFICATE, stage: 'v1' }, 'api.environments.default.domain'],
    [
      { name: 'api.example.com', certificateArn: CERTIFICATE, hostedZone: { id: 'zone', name: 'example.com' } },
      'domain.hostedZone.id must be a Route 53 hosted zone id',
    ],
    [
      { name: 'api.example.com', certificateArn: CERTIFICATE, hostedZone: { id: 'Z0ABC123', name: 'example.org' } },
      'domain.hostedZone.name must be api.example.com or one of its parent domains, got "example.org"',
    ],
    [
      { name: 'api.example.com', certificateArn: CERTIFICATE, hostedZone: { id: 'Z0ABC123', name: 'ample.com' } },
      'domain.hostedZone.name must be api.example.com or one of its parent domains',
    ],
    ['api.example.com', 'api.environments.default.domain'],
  ])('refuses %j with one line', (domain, message) => {
    const parse = () => parseConfig(withDomain(domain));
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(message);
    expect(parse).toThrow(/^[^\n]*$/);
  });

  test('refuses a certificate of another region or account than the environment pins', () => {
    const domain = { name: 'api.example.com', certificateArn: CERTIFICATE };
    expect(() => parseConfig(withDomain(domain, { region: 'us-east-1' }))).toThrow(
      'domain.certificateArn is in eu-west-1, but the environment deploys to us-east-1',
    );
    expect(() => parseConfig(withDomain(domain, { account: '210987654321' }))).toThrow(
      'domain.certificateArn belongs to account 123456789012, but the environment deploys to 210987654321',
    );
  });

  describe('when configured', () => {
    const config = parseConfig(
      withDomain({
        name: 'api.example.com',
        certificateArn: CERTIFICATE,
        hostedZone: { id: 'Z0ABC123', name: 'example.com' },
      }),
    );
    const { template } = synthApiStack(config);

    test('is one REGIONAL domain name with the imported certificate and TLS 1.2', () => {
      template.resourceCountIs('AWS::ApiGateway::DomainName', 1);
      template.hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: 'api.example.com',
        RegionalCertificateArn: CERTIFICATE,
        EndpointConfiguration: { Types: ['REGIONAL'] },
        SecurityPolicy: 'TLS_1_2',
      });
      // imported: the stack creates no certificate
      template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    });

    test('maps each stage under the base path of its own name', () => {
      const stages = template.findResources('AWS::ApiGateway::Stage');
      const mappings = Object.values(template.findResources('AWS::ApiGateway::BasePathMapping'));
      expect(mappings).toHaveLength(2);
      const mapped = mappings.map((m) => {
        const props = m.Properties as { BasePath: string; Stage: { Ref: string }; DomainName: unknown };
        expect(props.DomainName).toEqual({ Ref: expect.any(String) });
        return [props.BasePath, (stages[props.Stage.Ref]!.Properties as { StageName: string }).StageName];
      });
      expect(mapped.sort()).toEqual([
        ['beta', 'beta'],
        ['v1', 'v1'],
      ]);
    });

    test('points an alias A record of the hosted zone at the domain', () => {
      const [domainId] = Object.keys(template.findResources('AWS::ApiGateway::DomainName'));
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'api.example.com.',
        Type: 'A',
        HostedZoneId: 'Z0ABC123',
        AliasTarget: {
          DNSName: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] },
          HostedZoneId: { 'Fn::GetAtt': [domainId, 'RegionalHostedZoneId'] },
        },
      });
    });

    test("outputs each stage's custom URL and the domain's regional name", () => {
      const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(outputs.BetaCustomUrl!.Value).toBe('https://api.example.com/beta/api');
      expect(outputs.V1CustomUrl!.Value).toBe('https://api.example.com/v1/api');
      expect(outputs.CustomDomainTarget!.Value).toEqual({ 'Fn::GetAtt': [expect.any(String), 'RegionalDomainName'] });
    });

    test('adds only the domain, its mappings and record, and their outputs, to the shipped template', () => {
      const { template: shipped } = synthApiStack();
      const added = changedResources(shipped, template);
      expect(added.every((id) => id.startsWith('CustomDomain'))).toBe(true);
      expect(added).toHaveLength(4);
      expect(changedOutputs(shipped, template)).toEqual(['BetaCustomUrl', 'CustomDomainTarget', 'V1CustomUrl']);
    });

    test('without a hosted zone, creates no DNS record', () => {
      const own = parseConfig(withDomain({ name: 'api.example.com', certificateArn: CERTIFICATE }));
      const ownTemplate = Template.fromStack(new ApiStack(newApp(), 'Own', { config: own }));
      ownTemplate.resourceCountIs('AWS::ApiGateway::DomainName', 1);
      ownTemplate.resourceCountIs('AWS::Route53::RecordSet', 0);
    });

    test('cdk-nag finds nothing, and the synth-time policy validation passes', () => {
      expect(nagFindings(config)).toEqual([]);
      expect(() => synthWithPolicies(config)).not.toThrow();
    });
  });
});
