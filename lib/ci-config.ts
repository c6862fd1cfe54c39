/**
 * The typed configuration of the GitHub deploy role, and its parser.
 *
 * `bin/app.ts` reads the raw object from the `github` context key of `cdk.json` (overridable with `-c`) and hands it
 * to {@link parseGitHubDeployConfig}. Without that key the app has no deploy role stack: CI/CD is opt-in.
 */
import { asObject, ConfigError, fromJsonString, show } from './config-errors';

/** The context key under which `cdk.json` holds the deploy role configuration. */
export const GITHUB_CONTEXT_KEY = 'github';
/** The branch the deploy workflow runs on when the config names none. */
export const DEFAULT_BRANCH = 'main';
/** The GitHub environment the deploy job runs in when the config names none (`.github/workflows/deploy.yml`). */
export const DEFAULT_GITHUB_ENVIRONMENT = 'production';
/** The qualifier `cdk bootstrap` uses when given no `--qualifier`. */
export const DEFAULT_CDK_QUALIFIER = 'hnb659fds';

/** Who may assume the deploy role, and what it may do. */
export interface GitHubDeployConfig {
  /** The repository whose workflows may assume the role, `owner/name`, spelled as GitHub spells it. */
  readonly repository: string;
  /** The branch whose workflow runs may assume the role, e.g. `main`. */
  readonly branch: string;
  /**
   * The GitHub environment the deploy job runs in. A job with `environment:` presents the subject
   * `repo:<owner>/<name>:environment:<environment>` instead of `repo:<owner>/<name>:ref:refs/heads/<branch>`.
   *
   * @default - the job runs in no environment (`"environment": null` in the raw config)
   */
  readonly environment?: string;
  /**
   * ARN of the account's existing GitHub OIDC provider. IAM holds one provider per URL and account, so a second
   * stack cannot create another.
   *
   * @default - the stack creates the provider
   */
  readonly oidcProviderArn?: string;
  /** The qualifier the account and region were bootstrapped with (`cdk bootstrap --qualifier`). */
  readonly cdkQualifier: string;
  /** The account of the deploy role stack, when the config pins one. */
  readonly account?: string;
  /** The region of the deploy role stack, when the config pins one. */
  readonly region?: string;
}

const KEYS = ['repository', 'branch', 'environment', 'oidcProvider', 'cdkQualifier', 'account', 'region'];
// github: owner (user or organization) 1-39 letters, digits or inner hyphens; repository name 1-100 of [A-Za-z0-9._-]
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?\/[A-Za-z0-9._-]{1,100}$/;
// a git branch name without the characters a subject claim or an IAM pattern would read differently (: * ?)
const BRANCH = /^(?![/.-])(?!.*(?:\.\.|\/\/|\/\.|@\{))[A-Za-z0-9._/-]{1,255}(?<![/.])(?<!\.lock)$/;
// github escapes ':' in subject claims (as %3A): names without one need no escaping
const ENVIRONMENT = /^[A-Za-z0-9._-]{1,255}$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):oidc-provider\/token\.actions\.githubusercontent\.com$/;
// `cdk bootstrap`: the Qualifier parameter's AllowedPattern
const CDK_QUALIFIER = /^[A-Za-z0-9_-]{1,10}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Parses and validates the raw `github` context value. Throws {@link ConfigError} on the first bad value.
 *
 * @param raw the context value: an object, a JSON string (as `-c github='{...}'` gives), or nothing
 * @returns the configuration, or `undefined` when the context holds none (the app then has no deploy role stack)
 */
export function parseGitHubDeployConfig(raw: unknown): GitHubDeployConfig | undefined {
  if (raw === undefined) return undefined;
  const key = GITHUB_CONTEXT_KEY;
  const o = asObject(fromJsonString(raw, key), key);
  for (const k of Object.keys(o)) {
    if (!KEYS.includes(k))
      throw new ConfigError(`${key}.${k} is not a known setting; known settings: ${KEYS.join(', ')}`);
  }

  const repository = match(o.repository, `${key}.repository`, REPOSITORY, '"owner/name"');
  const branch =
    o.branch === undefined
      ? DEFAULT_BRANCH
      : match(o.branch, `${key}.branch`, BRANCH, "a branch name (letters, digits, '.', '_', '-', '/')");
  const environment =
    o.environment === undefined
      ? DEFAULT_GITHUB_ENVIRONMENT
      : o.environment === null
        ? undefined
        : match(
            o.environment,
            `${key}.environment`,
            ENVIRONMENT,
            "a GitHub environment name (letters, digits, '.', '_', '-') or null",
          );
  const cdkQualifier =
    o.cdkQualifier === undefined
      ? DEFAULT_CDK_QUALIFIER
      : match(
          o.cdkQualifier,
          `${key}.cdkQualifier`,
          CDK_QUALIFIER,
          '1-10 letters, digits, _ or - (cdk bootstrap --qualifier)',
        );
  const account =
    o.account === undefined ? undefined : match(o.account, `${key}.account`, ACCOUNT_ID, 'a 12-digit account id');
  const region =
    o.region === undefined ? undefined : match(o.region, `${key}.region`, REGION, 'a region name such as eu-west-1');
  const oidcProviderArn = parseOidcProvider(o.oidcProvider, `${key}.oidcProvider`, account);

  return { repository, branch, environment, oidcProviderArn, cdkQualifier, account, region };
}

function parseOidcProvider(raw: unknown, key: string, account: string | undefined): string | undefined {
  if (raw === undefined || raw === 'create') return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(
      `${key} must be "create" or {"arn": "<the account's GitHub OIDC provider>"}, got ${show(raw)}`,
    );
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'arn') throw new ConfigError(`${key}.${k} is not a known setting; known settings: arn`);
  }
  const arn = match(
    o.arn,
    `${key}.arn`,
    OIDC_PROVIDER_ARN,
    'the ARN of an IAM OIDC provider for token.actions.githubusercontent.com',
  );
  const arnAccount = OIDC_PROVIDER_ARN.exec(arn)![1];
  if (account !== undefined && arnAccount !== account) {
    throw new ConfigError(`${key}.arn must be in the stack's account ${account}, got ${JSON.stringify(arn)}`);
  }
  return arn;
}

function match(raw: unknown, key: string, pattern: RegExp, what: string): string {
  if (raw === undefined) throw new ConfigError(`${key} is missing`);
  if (typeof raw !== 'string' || !pattern.test(raw)) throw new ConfigError(`${key} must be ${what}, got ${show(raw)}`);
  return raw;
}
