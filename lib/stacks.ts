import type { App } from 'aws-cdk-lib';
import { ApiStack } from './api-stack';
import type { GitHubDeployConfig } from './ci-config';
import type { AppConfig } from './config';
import { apiStackName } from './config';
import { DEPLOY_ROLE_STACK_NAME, DeployRoleStack } from './deploy-role-stack';

/**
 * Adds the app's stacks for a parsed config: the API stack of the selected environment, and the deploy role stack
 * when the `github` block is set (CI/CD is opt-in).
 */
export function addStacks(app: App, config: AppConfig, github?: GitHubDeployConfig): void {
  new ApiStack(app, apiStackName(config.environmentName), {
    config,
    description: `REST API with beta and v1 stages bound to Lambda aliases (${config.environmentName})`,
    // the environment block pins the account and region; otherwise the CLI's credentials decide, or none at all
    env: {
      account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT,
      region: config.region ?? process.env.CDK_DEFAULT_REGION,
    },
  });

  if (github) {
    new DeployRoleStack(app, DEPLOY_ROLE_STACK_NAME, {
      config: github,
      description: `GitHub OIDC provider and the role ${github.repository} deploys with`,
      env: {
        account: github.account ?? process.env.CDK_DEFAULT_ACCOUNT,
        region: github.region ?? process.env.CDK_DEFAULT_REGION,
      },
    });
  }
}
