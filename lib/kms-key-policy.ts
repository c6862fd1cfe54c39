import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Adds to a key's policy the statement Control Tower's CT.KMS.PR.3 asks for: no one may create a grant on the key
 * except an AWS service acting for a principal. The stack's keys are used by services as themselves (CloudWatch Logs,
 * CloudWatch alarms publishing to SNS), so nothing needs a grant of its own.
 */
export function restrictGrantsToAwsServices(key: kms.Key): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'GrantsForAwsServicesOnly',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  );
}
