import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The issuer of GitHub Actions' OIDC tokens, and the prefix of their condition keys in IAM. */
export const GITHUB_OIDC_ISSUER = 'token.actions.githubusercontent.com';
/** The audience `aws-actions/configure-aws-credentials` requests its token for. */
export const STS_AUDIENCE = 'sts.amazonaws.com';
/** The roles `cdk bootstrap` creates that `cdk deploy` assumes: `cdk-<qualifier>-<kind>-role-<account>-<region>`. */
export const CDK_BOOTSTRAP_ROLE_KINDS = ['deploy', 'file-publishing', 'image-publishing', 'lookup'] as const;

/** Properties of a {@link GitHubDeployRole}. */
export interface GitHubDeployRoleProps {
  /** The account's GitHub Actions OIDC provider. */
  readonly provider: iam.IOidcProvider;
  /** The repository whose workflows may assume the role, `owner/name`. */
  readonly repository: string;
  /** The branch whose workflow runs may assume the role. */
  readonly branch: string;
  /**
   * The GitHub environment the deploy job runs in; its name replaces the branch in the token's subject.
   *
   * @default - the job runs in no environment, and the subject names the branch
   */
  readonly environment?: string;
  /** The qualifier of the CDK bootstrap roles the role may assume. */
  readonly cdkQualifier: string;
}

/**
 * A role GitHub Actions assumes with its OIDC token (no long-lived keys), trusted only by one repository's runs on
 * one branch (and environment), allowed only to assume the CDK bootstrap roles of its account and region: what
 * `cdk deploy` needs, and nothing else.
 *
 * Whatever `cdk deploy` may change is decided by the bootstrap roles, not by this one: the CloudFormation
 * execution role (`cdk bootstrap --cloudformation-execution-policies`) bounds every deployment.
 */
export class GitHubDeployRole extends Construct {
  /** The role; its ARN is what the deploy workflow's `role-to-assume` names. */
  public readonly role: iam.Role;
  /** The `sub` claim a token must carry: `repo:<owner>/<name>:environment:<env>` or `...:ref:refs/heads/<branch>`. */
  public readonly subject: string;

  constructor(scope: Construct, id: string, props: GitHubDeployRoleProps) {
    super(scope, id);
    const { repository, branch, environment } = props;
    const ref = `refs/heads/${branch}`;
    this.subject = environment ? `repo:${repository}:environment:${environment}` : `repo:${repository}:ref:${ref}`;

    const claims: Record<string, string> = { aud: STS_AUDIENCE, sub: this.subject };
    // a job with an environment presents no branch in `sub`: STS checks the token's `ref` claim separately, so a
    // run dispatched from another branch into the same environment is refused too
    if (environment) claims.ref = ref;

    this.role = new iam.Role(this, 'Resource', {
      assumedBy: new iam.OpenIdConnectPrincipal(props.provider, {
        StringEquals: Object.fromEntries(Object.entries(claims).map(([claim, value]) => [conditionKey(claim), value])),
      }),
      description:
        `Deploys this app from GitHub Actions: ${repository}, branch ${branch}` +
        (environment ? `, environment ${environment}` : ''),
      maxSessionDuration: Duration.hours(1),
      inlinePolicies: {
        AssumeCdkBootstrapRoles: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['sts:AssumeRole'],
              resources: CDK_BOOTSTRAP_ROLE_KINDS.map((kind) => bootstrapRoleArn(this, props.cdkQualifier, kind)),
            }),
          ],
        }),
      },
    });
  }
}

/** The IAM condition key of a claim of GitHub's tokens, e.g. `token.actions.githubusercontent.com:sub`. */
function conditionKey(claim: string): string {
  return `${GITHUB_OIDC_ISSUER}:${claim}`;
}

/** The ARN of one bootstrap role of the scope's account and region, named as `cdk bootstrap` names it. */
function bootstrapRoleArn(
  scope: Construct,
  qualifier: string,
  kind: (typeof CDK_BOOTSTRAP_ROLE_KINDS)[number],
): string {
  const stack = Stack.of(scope);
  return stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'role',
    resourceName: `cdk-${qualifier}-${kind}-role-${stack.account}-${stack.region}`,
  });
}
