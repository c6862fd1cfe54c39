#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ApiStack } from '../lib/api-stack';
import type { GitHubDeployConfig } from '../lib/ci-config';
import { GITHUB_CONTEXT_KEY, parseGitHubDeployConfig } from '../lib/ci-config';
import type { AppConfig } from '../lib/config';
import {
  apiStackName,
  CONFIG_CONTEXT_KEY,
  ConfigError,
  DEFAULT_ENVIRONMENT,
  ENVIRONMENT_CONTEXT_KEY,
  parseConfig,
} from '../lib/config';
import { DEPLOY_ROLE_STACK_NAME, DeployRoleStack } from '../lib/deploy-role-stack';
import { addPolicyValidation } from '../lib/policy-validation';

const app = new App();

let config: AppConfig;
let github: GitHubDeployConfig | undefined;
try {
  const environment: unknown = app.node.tryGetContext(ENVIRONMENT_CONTEXT_KEY) ?? DEFAULT_ENVIRONMENT;
  config = parseConfig(app.node.tryGetContext(CONFIG_CONTEXT_KEY), String(environment));
  github = parseGitHubDeployConfig(app.node.tryGetContext(GITHUB_CONTEXT_KEY));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Invalid configuration: ${error.message}`);
  process.exit(1);
}

new ApiStack(app, apiStackName(config.environmentName), {
  config,
  description: `REST API with beta and v1 stages bound to Lambda aliases (${config.environmentName})`,
  // the environment block pins the account and region; otherwise the CLI's credentials decide, or none at all
  env: {
    account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT,
    region: config.region ?? process.env.CDK_DEFAULT_REGION,
  },
});

// ci/cd is opt-in: without a `github` block the app has no deploy role
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

addPolicyValidation(app);
