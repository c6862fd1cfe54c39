#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import type { GitHubDeployConfig } from '../lib/ci-config';
import { GITHUB_CONTEXT_KEY, parseGitHubDeployConfig } from '../lib/ci-config';
import type { AppConfig } from '../lib/config';
import {
  CONFIG_CONTEXT_KEY,
  ConfigError,
  DEFAULT_ENVIRONMENT,
  ENVIRONMENT_CONTEXT_KEY,
  parseConfig,
} from '../lib/config';
import { addPolicyValidation } from '../lib/policy-validation';
import { addStacks } from '../lib/stacks';

// the built-in CloudFormation validation runs, but in a worker thread beside the other plugins (addPolicyValidation)
const app = new App({ builtinCloudFormationValidation: false });

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

// before the stacks: the validation engine starts on the other core while they are constructed
addPolicyValidation(app, { cloudFormationValidation: process.env.CDK_VALIDATION !== 'false' });
addStacks(app, config, github);
