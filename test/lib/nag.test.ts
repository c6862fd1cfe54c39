import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from '../../lib/api-stack';
import { newApp, shippedConfig } from '../support/template';

function violations(build: (app: ReturnType<typeof newApp>) => void) {
  const app = newApp();
  build(app);
  const pack = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(pack);
  return pack.validateScope(app).violations.map((v) => ({
    rule: v.ruleName,
    severity: v.severity,
    at: v.violatingResources.map((r) => r.constructPath),
  }));
}

describe('cdk-nag AwsSolutions', () => {
  test('finds nothing unacknowledged in an environment-agnostic stack', () => {
    expect(violations((app) => new ApiStack(app, 'Api', { config: shippedConfig() }))).toEqual([]);
  });

  test('finds nothing unacknowledged when the account and region are known', () => {
    const env = { account: '123456789012', region: 'eu-west-1' };
    expect(violations((app) => new ApiStack(app, 'Api', { config: shippedConfig(), env }))).toEqual([]);
  });

  test('reports what is not acknowledged, so the checks above can fail', () => {
    const found = violations((app) => {
      const stack = new Stack(app, 'Bad');
      new iam.Role(stack, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
      });
    });
    expect(found.map((v) => v.rule)).toContain(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    );
  });

  test('every acknowledgement carries a specific reason', () => {
    const app = newApp();
    const stack = new ApiStack(app, 'Api', { config: shippedConfig() });
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      // cfn-guard's acknowledgements are test/lib/policy-validation.test.ts's
      .filter(([id]) => !id.startsWith('cdk-validator-cfnguard::'));
    expect(acknowledged.map(([id]) => id.replace(/^annotation::/i, '').replace(/\[.*$/, '')).sort()).toEqual([
      'AwsSolutions-APIG3',
      'AwsSolutions-APIG3',
      // one per public method (GET /api/hello, GET /api/faq, GET /api/faq/{id}, GET /api/health), COG4 on each
      // method and the authorizer's POST /api/hello too: no method uses a Cognito user pool
      'AwsSolutions-APIG4',
      'AwsSolutions-APIG4',
      'AwsSolutions-APIG4',
      'AwsSolutions-APIG4',
      'AwsSolutions-COG4',
      'AwsSolutions-COG4',
      'AwsSolutions-COG4',
      'AwsSolutions-COG4',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM5',
    ]);
    for (const [, reason] of acknowledged) expect(reason.length).toBeGreaterThan(80);
  });
});
