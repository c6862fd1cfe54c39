import { ArnFormat, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The account-level API Gateway setting that lets API Gateway write execution and access logs to CloudWatch Logs.
 *
 * There is one such setting per account and region, shared by every REST API in it. CDK's default
 * (`cloudWatchRole: true`) creates one role per API, each overwriting the setting, with a managed policy; this
 * defines it deliberately, once, with an inline least-privilege policy. Deploy it from one stack per account and
 * region only.
 */
export class ApiGatewayAccount extends Construct {
  /** The role API Gateway assumes to write logs. */
  public readonly role: iam.Role;
  /** The account setting; stages that log must depend on it. */
  public readonly resource: apigw.CfnAccount;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroups = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.role = new iam.Role(this, 'CloudWatchRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets API Gateway write execution and access logs of every REST API in this account and region',
      inlinePolicies: {
        PushToCloudWatchLogs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              // the write and describe half of AmazonAPIGatewayPushToCloudWatchLogs: no log reading
              actions: [
                'logs:CreateLogGroup',
                'logs:CreateLogStream',
                'logs:DescribeLogGroups',
                'logs:DescribeLogStreams',
                'logs:PutLogEvents',
              ],
              resources: [logGroups],
            }),
          ],
        }),
      },
    });
    // other APIs in the account log through this role too: deleting this stack must not break them
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);

    this.resource = new apigw.CfnAccount(this, 'Resource', { cloudWatchRoleArn: this.role.roleArn });

    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagFinding(logGroups)}]`,
      reason:
        'API Gateway writes execution logs to log groups it names itself (API-Gateway-Execution-Logs_<api-id>/<stage>) ' +
        'for every REST API in the account and region, so the account role cannot name them in advance; the policy ' +
        'is limited to this account and region and to writing (see the API Gateway guide, set-up-logging).',
    });
  }
}

/**
 * The ARN as cdk-nag spells it in a finding id: resolved where the stack's environment is known, and each
 * pseudo parameter written `<AWS::Name>` where it is not.
 */
function nagFinding(arn: string): string {
  return Token.asString(arn).replace(/\$\{Token\[AWS\.(\w+)\.\d+\]\}/g, '<AWS::$1>');
}
