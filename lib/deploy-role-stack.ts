import type { StackProps } from 'aws-cdk-lib';
import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { GitHubDeployConfig } from './ci-config';
import { GITHUB_OIDC_ISSUER, GitHubDeployRole, STS_AUDIENCE } from './github-deploy-role';

/** The name of the deploy role stack: `npx cdk deploy GitHubDeployRole`. */
export const DEPLOY_ROLE_STACK_NAME = 'GitHubDeployRole';

/** Properties of the {@link DeployRoleStack}. */
export interface DeployRoleStackProps extends StackProps {
  /** The parsed `github` configuration. */
  readonly config: GitHubDeployConfig;
}

/**
 * The AWS side of the deploy workflow's trust: the account's GitHub OIDC provider (created, or imported when the
 * account has one) and the role the workflow assumes. Deployed once per account and region, by an administrator.
 */
export class DeployRoleStack extends Stack {
  /** The GitHub OIDC provider the role trusts. */
  public readonly provider: iam.IOidcProvider;
  /** The role the deploy workflow assumes. */
  public readonly deployRole: GitHubDeployRole;

  constructor(scope: Construct, id: string, props: DeployRoleStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.provider = config.oidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GitHubOidcProvider', config.oidcProviderArn)
      : this.createProvider();

    this.deployRole = new GitHubDeployRole(this, 'DeployRole', {
      provider: this.provider,
      repository: config.repository,
      branch: config.branch,
      environment: config.environment,
      cdkQualifier: config.cdkQualifier,
    });

    new CfnOutput(this, 'DeployRoleArn', {
      value: this.deployRole.role.roleArn,
      description: 'The repository variable AWS_DEPLOY_ROLE_ARN of the deploy workflow',
    });
    new CfnOutput(this, 'OidcProviderArn', {
      value: this.provider.oidcProviderArn,
      description: 'The GitHub OIDC provider; other stacks in this account import it (github.oidcProvider.arn)',
    });
  }

  private createProvider(): iam.IOidcProvider {
    const provider = new iam.OidcProviderNative(this, 'GitHubOidcProvider', {
      url: `https://${GITHUB_OIDC_ISSUER}`,
      clientIds: [STS_AUDIENCE],
    });
    // one provider per account serves every role that trusts GitHub: deleting this stack must not break the others
    provider.applyRemovalPolicy(RemovalPolicy.RETAIN);
    return provider;
  }
}
