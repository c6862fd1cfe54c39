import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { restrictGrantsToAwsServices } from './kms-key-policy';

/**
 * The customer-managed KMS key the log groups of one stack are encrypted with, rotated yearly.
 *
 * Its policy is the default one (the account administers the key through IAM) plus the statement the CloudWatch Logs
 * guide gives (encrypt-log-data-kms): this region's CloudWatch Logs service may use the key for log groups of this
 * account and region only, named by the `kms:EncryptionContext:aws:logs:arn` condition; and no one may create a
 * grant on it except for an AWS service. Whoever writes to or reads
 * a log group needs no KMS permission of its own: CloudWatch Logs encrypts and decrypts as itself.
 *
 * The key is retained when the stack is deleted (the CDK default), as the log groups are: deleting it would make
 * the retained logs unreadable.
 */
export class LogEncryptionKey extends kms.Key {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      description: `Encrypts the CloudWatch log groups of the stack ${Stack.of(scope).stackName}`,
      enableKeyRotation: true,
    });
    const stack = Stack.of(this);
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        // in a key policy, the key itself
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    restrictGrantsToAwsServices(this);
  }
}
