import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from '../../lib/api-stack';
import { ConfigError, parseConfig } from '../../lib/config';
import { newApp, rawConfig, shippedConfig, synthApiStack, synthWithPolicies } from '../support/template';

/** The committed config with a `waf` block on the default environment. */
function withWaf(waf: unknown): unknown {
  const raw = rawConfig();
  raw.environments.default.waf = waf;
  return raw;
}

describe('api.environments.<env>.waf', () => {
  test('is off in the shipped config: no web ACL (a monthly cost per ACL and rule)', () => {
    expect(shippedConfig().waf).toBeUndefined();
    const { template } = synthApiStack();
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

  test('defaults the managed rule groups to the common and known-bad-inputs rule sets', () => {
    expect(parseConfig(withWaf({ rateLimit: 2000 })).waf).toEqual({
      rateLimit: 2000,
      managedRuleGroups: ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'],
    });
  });

  test.each([
    [{ rateLimit: 9 }, 'api.environments.default.waf.rateLimit must be an integer from 10 to 2000000000'],
    [{ rateLimit: 2000000001 }, 'api.environments.default.waf.rateLimit must be an integer from 10'],
    [{ rateLimit: 100.5 }, 'api.environments.default.waf.rateLimit must be an integer'],
    [{}, 'api.environments.default.waf.rateLimit'],
    [{ rateLimit: 2000, rules: [] }, 'api.environments.default.waf'],
    [{ rateLimit: 2000, managedRuleGroups: [] }, 'waf.managedRuleGroups must be a non-empty list'],
    [{ rateLimit: 2000, managedRuleGroups: ['bad name'] }, 'waf.managedRuleGroups[0] must be a rule group name'],
    [{ rateLimit: 2000, managedRuleGroups: ['A', 'A'] }, 'waf.managedRuleGroups names a rule group twice'],
    ['on', 'api.environments.default.waf'],
  ])('refuses %j with one line', (waf, message) => {
    const parse = () => parseConfig(withWaf(waf));
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(message);
    // one line: no message spanning lines
    expect(parse).toThrow(/^[^\n]*$/);
  });

  describe('when configured', () => {
    const config = parseConfig(withWaf({ rateLimit: 2000 }));
    const { template } = synthApiStack(config);

    test('is one REGIONAL web ACL: the managed rule groups, then the per-IP rate limit, metrics and samples on', () => {
      const visibility = { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: Match.anyValue() };
      template.resourceCountIs('AWS::WAFv2::WebACL', 1);
      template.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
        VisibilityConfig: visibility,
        Rules: [
          {
            Name: 'AWSManagedRulesCommonRuleSet',
            Priority: 0,
            OverrideAction: { None: {} },
            Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } },
            VisibilityConfig: visibility,
          },
          {
            Name: 'AWSManagedRulesKnownBadInputsRuleSet',
            Priority: 1,
            OverrideAction: { None: {} },
            Statement: {
              ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' },
            },
            VisibilityConfig: visibility,
          },
          {
            Name: 'RateLimitPerIp',
            Priority: 2,
            Action: { Block: {} },
            Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP' } },
            VisibilityConfig: visibility,
          },
        ],
      });
    });

    test('is associated with each stage by its ARN, after the stage exists', () => {
      const stages = template.findResources('AWS::ApiGateway::Stage');
      const associations = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'));
      expect(associations).toHaveLength(2);
      const byStage = Object.entries(stages).map(([logicalId, stage]) => {
        const name = (stage.Properties as { StageName: string }).StageName;
        const association = associations.find((a) =>
          JSON.stringify(a.Properties.ResourceArn).includes(`"/stages/",{"Ref":"${logicalId}"}`),
        );
        expect(association).toBeDefined();
        expect(association!.DependsOn).toContain(logicalId);
        expect(association!.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
        return name;
      });
      expect(byStage.sort()).toEqual(['beta', 'v1']);
    });

    test('takes a managed rule group list from the config in its order', () => {
      const own = parseConfig(withWaf({ rateLimit: 10, managedRuleGroups: ['AWSManagedRulesAmazonIpReputationList'] }));
      const rules = Template.fromStack(new ApiStack(newApp(), 'Own', { config: own })).findResources(
        'AWS::WAFv2::WebACL',
      );
      const [acl] = Object.values(rules);
      expect((acl!.Properties.Rules as { Name: string }[]).map((r) => r.Name)).toEqual([
        'AWSManagedRulesAmazonIpReputationList',
        'RateLimitPerIp',
      ]);
    });

    test('leaves APIG3 unacknowledged, and cdk-nag finds nothing', () => {
      const app = newApp();
      const stack = new ApiStack(app, 'Api', { config });
      const acknowledged = stack.node
        .findAll()
        .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
        .flatMap((m) => Object.keys(m.data as Record<string, string>));
      expect(acknowledged.filter((id) => id.includes('APIG3'))).toEqual([]);
      const pack = new AwsSolutionsChecks(app, { verbose: true });
      expect(pack.validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
    });

    test('passes the synth-time policy validation (cdk-nag and Control Tower rules)', () => {
      expect(() => synthWithPolicies(config)).not.toThrow();
    });
  });
});
