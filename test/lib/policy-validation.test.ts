import type { App } from 'aws-cdk-lib';
import { CfnParameter, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ApiStack } from '../../lib/api-stack';
import { LogEncryptionKey } from '../../lib/log-encryption-key';
import type { GuardMetadata } from '../../lib/policy-validation';
import {
  acknowledgeGuardRule,
  addPolicyValidation,
  CFN_GUARD_PLUGIN_NAME,
  GUARD_METADATA_KEY,
} from '../../lib/policy-validation';
import { newApp, shippedConfig } from '../support/template';

const KNOWN_ENV = { account: '123456789012', region: 'eu-west-1' };

/** Registers the app's plugins, as bin/app.ts does, and synthesizes; the error message if the synth fails. */
function synthError(app: App): string | undefined {
  addPolicyValidation(app);
  try {
    app.synth();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** One function (an L1: no role or log group of its own) and a permission for API Gateway to invoke it. */
function permissionStack(app: App, sourceAccount?: string): Stack {
  const stack = new Stack(app, 'Permission', { env: KNOWN_ENV });
  const fn = new lambda.CfnFunction(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X.name,
    handler: 'index.handler',
    code: { zipFile: 'exports.handler = async () => ({})' },
    role: stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'test' }),
  });
  new lambda.CfnPermission(stack, 'Invoke', {
    action: 'lambda:InvokeFunction',
    functionName: fn.attrArn,
    principal: 'apigateway.amazonaws.com',
    // as in the stack, the API's id is only known at deploy time: SourceArn is an Fn::Join, not a literal
    sourceArn: stack.formatArn({
      service: 'execute-api',
      resource: new CfnParameter(stack, 'ApiId').valueAsString,
      resourceName: 'beta/GET/hello',
    }),
    sourceAccount,
  });
  return stack;
}

const guardAcknowledgements = (stack: Stack) =>
  stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.entries(m.data as Record<string, string>))
    .filter(([id]) => id.startsWith(`${CFN_GUARD_PLUGIN_NAME}::`));

describe('policy validation (cdk-nag and cfn-guard with the Control Tower controls)', () => {
  test('the shipped stack passes every Control Tower control and cdk-nag, its exceptions acknowledged', () => {
    const app = newApp();
    new ApiStack(app, 'Api', { config: shippedConfig() });
    expect(synthError(app)).toBeUndefined();
  });

  test('with a known account the invoke permissions pass CT.LAMBDA.PR.2 without an acknowledgement', () => {
    const app = newApp();
    const stack = new ApiStack(app, 'Api', { config: shippedConfig(), env: KNOWN_ENV });
    expect(guardAcknowledgements(stack).map(([id]) => id)).not.toContain(
      `${CFN_GUARD_PLUGIN_NAME}::lambda_function_public_access_prohibited_check`,
    );
    expect(synthError(app)).toBeUndefined();
  });

  test('fails the synth on a log group without a customer-managed key, naming CT.CLOUDWATCH.PR.3', () => {
    const app = newApp();
    new logs.LogGroup(new Stack(app, 'Logs'), 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    expect(synthError(app)).toMatch(/ERROR \[CT\.CLOUDWATCH\.PR\.3\].*\n.*Logs\/Logs\/Resource/);
  });

  test('fails the synth on a log group kept less than a year, naming CT.CLOUDWATCH.PR.2', () => {
    const app = newApp();
    const stack = new Stack(app, 'Logs');
    const encryptionKey = new LogEncryptionKey(stack, 'Key');
    new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, encryptionKey });
    const error = synthError(app);
    expect(error).toMatch(/ERROR \[CT\.CLOUDWATCH\.PR\.2\]/);
    expect(error).not.toMatch(/CT\.CLOUDWATCH\.PR\.3|CT\.KMS\./);
  });

  test('fails the synth on an API Gateway permission without SourceAccount, naming CT.LAMBDA.PR.2', () => {
    const app = newApp();
    const stack = permissionStack(app);
    acknowledgeGuardRule(stack, { id: 'CT.LAMBDA.PR.3', reason: 'a test function that reaches nothing private' });
    expect(synthError(app)).toMatch(/ERROR \[CT\.LAMBDA\.PR\.2\].*\n.*Permission\/Invoke/);
  });

  test('passes that permission once it names a literal SourceAccount', () => {
    const app = newApp();
    const stack = permissionStack(app, KNOWN_ENV.account);
    acknowledgeGuardRule(stack, { id: 'CT.LAMBDA.PR.3', reason: 'a test function that reaches nothing private' });
    expect(synthError(app)).toBeUndefined();
  });

  test('fails the synth on a cdk-nag finding, which runs while cfn-guard starts beside it', () => {
    const app = newApp();
    new sqs.Queue(new Stack(app, 'Queue'), 'Queue');
    const error = synthError(app);
    expect(error).toMatch(/Queue\/Queue\/Resource .*\n.*Acknowledge with 'AwsSolutions::AwsSolutions-SQS4'/);
    expect(error).toMatch(/ERROR \[CT\.SQS\.PR\.1\]/);
  });

  test('fails the synth on a function outside a VPC unless CT.LAMBDA.PR.3 is acknowledged', () => {
    const app = newApp();
    permissionStack(app, KNOWN_ENV.account);
    expect(synthError(app)).toMatch(/ERROR \[CT\.LAMBDA\.PR\.3\]/);
  });
});

describe('acknowledgeGuardRule', () => {
  test('records the acknowledgement for the plugin and in the template, with the control id in the reason', () => {
    const stack = new Stack(newApp(), 'Logs');
    const group = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_WEEK });

    const acknowledged = acknowledgeGuardRule(group, {
      id: 'CT.CLOUDWATCH.PR.2',
      reason: 'development logs only: a week is plenty for them',
    });

    expect(acknowledged).toEqual([group.node.defaultChild]);
    expect(guardAcknowledgements(stack)).toEqual([
      [
        'cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check',
        '[CT.CLOUDWATCH.PR.2] development logs only: a week is plenty for them',
      ],
    ]);
    const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::Logs::LogGroup'));
    expect(resource!.Metadata[GUARD_METADATA_KEY]).toEqual({
      SuppressedRules: ['cloudwatch_log_group_retention_period_check'],
      Reasons: {
        cloudwatch_log_group_retention_period_check:
          '[CT.CLOUDWATCH.PR.2] development logs only: a week is plenty for them',
      },
    } satisfies GuardMetadata);
  });

  test('acknowledges every resource of the checked type under the scope, and keeps earlier suppressions', () => {
    const app = newApp();
    const stack = permissionStack(app);
    acknowledgeGuardRule(stack, { id: 'CT.LAMBDA.PR.3', reason: 'a test function that reaches nothing private' });
    acknowledgeGuardRule(stack, {
      id: 'CT.LAMBDA.PR.2',
      reason: 'a test permission, deliberately without its account',
    });
    const fn = stack.node.findAll().find((c): c is CfnResource => c instanceof lambda.CfnFunction)!;
    fn.addMetadata(GUARD_METADATA_KEY, { ...fn.getMetadata(GUARD_METADATA_KEY) });

    acknowledgeGuardRule(stack, { id: 'CT.LAMBDA.PR.3', reason: 'the same rule again, with a second reason' });

    const metadata = fn.getMetadata(GUARD_METADATA_KEY) as GuardMetadata;
    expect(metadata.SuppressedRules).toEqual(['lambda_inside_vpc_check']);
    expect(metadata.Reasons.lambda_inside_vpc_check).toBe('[CT.LAMBDA.PR.3] the same rule again, with a second reason');
    expect(synthError(app)).toBeUndefined();
  });

  test('fails when the reason is not specific', () => {
    const stack = new Stack(newApp(), 'Logs');
    const group = new logs.LogGroup(stack, 'Logs');
    expect(() => acknowledgeGuardRule(group, { id: 'CT.CLOUDWATCH.PR.2', reason: 'dev' })).toThrow(
      'Logs/Logs: the acknowledgement of CT.CLOUDWATCH.PR.2 needs a specific reason, got "dev"',
    );
  });

  test('fails when nothing under the scope has the type the control checks', () => {
    const stack = new Stack(newApp(), 'Roles');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() =>
      acknowledgeGuardRule(role, { id: 'CT.LAMBDA.PR.3', reason: 'a role is not a function, so this is a mistake' }),
    ).toThrow('Roles/Role: nothing to acknowledge CT.LAMBDA.PR.3 on: it has no AWS::Lambda::Function');
  });
});

describe('the shipped exceptions', () => {
  test('are the three functions (no VPC), the beta log groups (development) and, without an account, the permissions', () => {
    const stack = new ApiStack(newApp(), 'Api', { config: shippedConfig() });
    const byRule = new Map<string, string[]>();
    for (const resource of stack.node.findAll().filter(CfnResource.isCfnResource)) {
      const metadata = resource.getMetadata(GUARD_METADATA_KEY) as GuardMetadata | undefined;
      for (const rule of metadata?.SuppressedRules ?? []) {
        byRule.set(rule, [...(byRule.get(rule) ?? []), resource.node.path.replace(/^Api\//, '')]);
      }
    }
    expect(Object.fromEntries(byRule)).toEqual({
      lambda_inside_vpc_check: ['Hello/Resource/Resource', 'Faq/Resource/Resource', 'Authorizer/Resource/Resource'],
      cloudwatch_log_group_retention_period_check: ['Api/BetaAccessLogs/Resource', 'Api/BetaExecutionLogs/Resource'],
      lambda_function_public_access_prohibited_check: expect.arrayContaining([
        'Hello/BetaAlias/InvokeGETApiHelloFromBeta',
        'Faq/CandidateAlias/InvokeGETApiFaqIdFromV1',
        'Authorizer/CandidateAlias/InvokeJwtAuthorizerFromV1',
      ]),
    });
    expect(byRule.get('lambda_function_public_access_prohibited_check')).toHaveLength(15);
    for (const [, reason] of guardAcknowledgements(stack)) expect(reason.length).toBeGreaterThan(120);
  });
});
