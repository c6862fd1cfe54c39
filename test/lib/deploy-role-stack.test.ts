import { Validations } from 'aws-cdk-lib';
import type { Environment } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { GitHubDeployConfig } from '../../lib/ci-config';
import { parseGitHubDeployConfig } from '../../lib/ci-config';
import { DeployRoleStack } from '../../lib/deploy-role-stack';
import { flatten, newApp } from '../support/template';

const PROVIDER_ARN = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

function config(raw: Record<string, unknown> = {}): GitHubDeployConfig {
  return parseGitHubDeployConfig({ repository: 'octo-org/octo-repo', ...raw })!;
}

function synth(raw: Record<string, unknown> = {}, env?: Environment) {
  const app = newApp();
  const stack = new DeployRoleStack(app, 'GitHubDeployRole', { config: config(raw), env });
  return { app, stack, template: Template.fromStack(stack) };
}

type Statement = { Action: unknown; Effect: string; Principal?: any; Condition?: any; Resource?: unknown };

function role(template: Template): { AssumeRolePolicyDocument: { Statement: Statement[] }; [key: string]: any } {
  const roles = Object.values(template.findResources('AWS::IAM::Role'));
  expect(roles).toHaveLength(1);
  return roles[0]!.Properties;
}

describe('DeployRoleStack trust', () => {
  test('trusts only the production environment of the repository, on the configured branch, for STS', () => {
    const { template } = synth();
    expect(role(template).AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRoleWithWebIdentity',
        Effect: 'Allow',
        Principal: { Federated: { Ref: expect.stringMatching(/^GitHubOidcProvider/) } },
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:environment:production',
            'token.actions.githubusercontent.com:ref': 'refs/heads/main',
          },
        },
      },
    ]);
  });

  test('names the branch in the subject when the deploy job runs in no environment', () => {
    const { template } = synth({ environment: null, branch: 'release/v2' });
    const [statement] = role(template).AssumeRolePolicyDocument.Statement;
    expect(statement!.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:octo-org/octo-repo:ref:refs/heads/release/v2',
      },
    });
  });

  test('names the configured environment in the subject', () => {
    const { stack } = synth({ environment: 'prod-eu' });
    expect(stack.deployRole.subject).toBe('repo:octo-org/octo-repo:environment:prod-eu');
  });

  test('keeps sessions to one hour', () => {
    expect(role(synth().template).MaxSessionDuration).toBe(3600);
  });
});

describe('DeployRoleStack permissions', () => {
  test('may only assume the four CDK bootstrap roles of its own account and region', () => {
    const { template } = synth();
    const { Policies, ManagedPolicyArns } = role(template);
    expect(ManagedPolicyArns).toBeUndefined();
    expect(Policies).toHaveLength(1);
    const statements: Statement[] = Policies[0].PolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole' });
    expect((statements[0]!.Resource as unknown[]).map(flatten)).toEqual(
      ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(
        (kind) =>
          `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-hnb659fds-${kind}-role-\${AWS::AccountId}-\${AWS::Region}`,
      ),
    );
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  test('names the bootstrap roles of the configured qualifier, account and region', () => {
    const { template } = synth({ cdkQualifier: 'team-a' }, { account: '123456789012', region: 'eu-west-1' });
    const resources = role(template).Policies[0].PolicyDocument.Statement[0].Resource as unknown[];
    expect(flatten(resources[0])).toBe(
      // the partition of a known region is a literal (@aws-cdk/core:enablePartitionLiterals)
      'arn:aws:iam::123456789012:role/cdk-team-a-deploy-role-123456789012-eu-west-1',
    );
  });
});

describe('DeployRoleStack OIDC provider', () => {
  test("creates GitHub's provider for the STS audience, and keeps it when the stack is deleted", () => {
    const { template } = synth();
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResource('AWS::IAM::OIDCProvider', {
      Properties: { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('imports the existing provider by ARN, and creates none', () => {
    const { template } = synth({ oidcProvider: { arn: PROVIDER_ARN } });
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
    expect(role(template).AssumeRolePolicyDocument.Statement[0]!.Principal).toEqual({ Federated: PROVIDER_ARN });
    template.hasOutput('OidcProviderArn', { Value: PROVIDER_ARN });
  });
});

describe('DeployRoleStack outputs', () => {
  test("outputs the role's ARN, the value of the AWS_DEPLOY_ROLE_ARN variable", () => {
    const { template } = synth();
    const [roleId] = Object.keys(template.findResources('AWS::IAM::Role'));
    template.hasOutput('DeployRoleArn', {
      Value: { 'Fn::GetAtt': [roleId, 'Arn'] },
      Description: Match.stringLikeRegexp('AWS_DEPLOY_ROLE_ARN'),
    });
  });
});

describe('DeployRoleStack cdk-nag AwsSolutions', () => {
  function violations(raw: Record<string, unknown>, env?: Environment) {
    const { app } = synth(raw, env);
    const pack = new AwsSolutionsChecks(app, { verbose: true });
    Validations.of(app).addPlugins(pack);
    return pack.validateScope(app).violations.map((v) => v.ruleName);
  }

  test.each([
    ['a created provider, environment-agnostic', {}, undefined],
    [
      'an imported provider, in a known account and region',
      { oidcProvider: { arn: PROVIDER_ARN } },
      { account: '123456789012', region: 'eu-west-1' },
    ],
  ])('finds nothing with %s', (_what, raw, env) => {
    expect(violations(raw, env)).toEqual([]);
  });

  test('acknowledges nothing: the stack is clean, not silenced', () => {
    const { stack } = synth();
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY));
    expect(acknowledged).toEqual([]);
  });
});
