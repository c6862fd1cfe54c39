import { parseGitHubDeployConfig } from '../../lib/ci-config';
import { ConfigError } from '../../lib/config';

const PROVIDER_ARN = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

/** Parses the minimal config with one key set (or removed, with `undefined`). */
function parseWith(key: string, value: unknown) {
  const raw: Record<string, unknown> = { repository: 'octo-org/octo-repo', [key]: value };
  if (value === undefined) delete raw[key];
  return () => parseGitHubDeployConfig(raw);
}

describe('parseGitHubDeployConfig', () => {
  test('has no deploy role config when the context has no github key', () => {
    expect(parseGitHubDeployConfig(undefined)).toBeUndefined();
  });

  test('defaults to the main branch, the production environment, a created provider and the default qualifier', () => {
    expect(parseGitHubDeployConfig({ repository: 'octo-org/octo-repo' })).toEqual({
      repository: 'octo-org/octo-repo',
      branch: 'main',
      environment: 'production',
      oidcProviderArn: undefined,
      cdkQualifier: 'hnb659fds',
      account: undefined,
      region: undefined,
    });
  });

  test('parses every setting', () => {
    const config = parseGitHubDeployConfig({
      repository: 'Octo-Org/octo.repo_2',
      branch: 'release/v2',
      environment: 'prod-eu',
      oidcProvider: { arn: PROVIDER_ARN },
      cdkQualifier: 'team_a-1',
      account: '123456789012',
      region: 'eu-west-1',
    });
    expect(config).toEqual({
      repository: 'Octo-Org/octo.repo_2',
      branch: 'release/v2',
      environment: 'prod-eu',
      oidcProviderArn: PROVIDER_ARN,
      cdkQualifier: 'team_a-1',
      account: '123456789012',
      region: 'eu-west-1',
    });
  });

  test('a null environment means the deploy job runs in none', () => {
    expect(parseWith('environment', null)()!.environment).toBeUndefined();
  });

  test('"create" asks for a created provider', () => {
    expect(parseWith('oidcProvider', 'create')()!.oidcProviderArn).toBeUndefined();
  });

  test('accepts the config as a JSON string, as -c github=... passes it', () => {
    expect(parseGitHubDeployConfig('{"repository":"octo-org/octo-repo"}')!.repository).toBe('octo-org/octo-repo');
  });

  test('fails when the config string is not JSON', () => {
    expect(() => parseGitHubDeployConfig('octo-org/octo-repo')).toThrow(
      new ConfigError('github must be a JSON object, got a string that is not JSON: "octo-org/octo-repo"'),
    );
  });

  test('fails when the config is not an object', () => {
    expect(() => parseGitHubDeployConfig(['octo-org/octo-repo'])).toThrow(
      new ConfigError('github must be an object, got ["octo-org/octo-repo"]'),
    );
  });

  test('fails on an unknown setting', () => {
    expect(parseWith('repo', 'octo-org/octo-repo')).toThrow(
      new ConfigError(
        'github.repo is not a known setting; known settings: repository, branch, environment, oidcProvider, ' +
          'cdkQualifier, account, region',
      ),
    );
  });

  test('fails when the repository is missing', () => {
    expect(parseWith('repository', undefined)).toThrow(new ConfigError('github.repository is missing'));
  });

  test.each([
    ['a name without its owner', 'octo-repo'],
    ['a URL', 'https://github.com/octo-org/octo-repo'],
    ['a wildcard', 'octo-org/*'],
    ['an owner starting with a hyphen', '-octo/octo-repo'],
    ['a subject claim separator', 'octo-org/octo:repo'],
  ])('fails when the repository is %s', (_what, repository) => {
    expect(parseWith('repository', repository)).toThrow(
      new ConfigError(`github.repository must be "owner/name", got ${JSON.stringify(repository)}`),
    );
  });

  test('fails when the repository is not a string', () => {
    expect(parseWith('repository', 42)).toThrow(new ConfigError('github.repository must be "owner/name", got 42'));
  });

  test.each([
    ['a wildcard', 'release/*'],
    ['a full ref', 'refs/heads/main:x'],
    ['a leading slash', '/main'],
    ['two dots', 'release..v2'],
    ['a trailing .lock', 'main.lock'],
    ['empty', ''],
  ])('fails when the branch is %s', (_what, branch) => {
    expect(parseWith('branch', branch)).toThrow(
      new ConfigError(
        `github.branch must be a branch name (letters, digits, '.', '_', '-', '/'), got ${JSON.stringify(branch)}`,
      ),
    );
  });

  test('fails when the environment has a character GitHub escapes in the subject claim', () => {
    expect(parseWith('environment', 'production:eu')).toThrow(
      new ConfigError(
        `github.environment must be a GitHub environment name (letters, digits, '.', '_', '-') or null, got "production:eu"`,
      ),
    );
  });

  test('fails when the OIDC provider is neither "create" nor an ARN object', () => {
    expect(parseWith('oidcProvider', PROVIDER_ARN)).toThrow(
      new ConfigError(
        `github.oidcProvider must be "create" or {"arn": "<the account's GitHub OIDC provider>"}, got "${PROVIDER_ARN}"`,
      ),
    );
  });

  test('fails when the OIDC provider ARN names another provider', () => {
    const arn = 'arn:aws:iam::123456789012:oidc-provider/gitlab.com';
    expect(parseWith('oidcProvider', { arn })).toThrow(
      new ConfigError(
        `github.oidcProvider.arn must be the ARN of an IAM OIDC provider for token.actions.githubusercontent.com, got "${arn}"`,
      ),
    );
  });

  test('fails when the OIDC provider object has another key', () => {
    expect(parseWith('oidcProvider', { arn: PROVIDER_ARN, url: 'x' })).toThrow(
      new ConfigError('github.oidcProvider.url is not a known setting; known settings: arn'),
    );
  });

  test("fails when the OIDC provider is in another account than the stack's", () => {
    const raw = { repository: 'octo-org/octo-repo', account: '210987654321', oidcProvider: { arn: PROVIDER_ARN } };
    expect(() => parseGitHubDeployConfig(raw)).toThrow(
      new ConfigError(`github.oidcProvider.arn must be in the stack's account 210987654321, got "${PROVIDER_ARN}"`),
    );
  });

  test('fails when the CDK qualifier is not one cdk bootstrap accepts', () => {
    expect(parseWith('cdkQualifier', 'much-too-long')).toThrow(
      new ConfigError(
        'github.cdkQualifier must be 1-10 letters, digits, _ or - (cdk bootstrap --qualifier), got "much-too-long"',
      ),
    );
  });

  test('fails when the account is not a 12-digit id', () => {
    expect(parseWith('account', 123456789012)).toThrow(
      new ConfigError('github.account must be a 12-digit account id, got 123456789012'),
    );
  });

  test('fails when the region is not a region name', () => {
    expect(parseWith('region', 'Europe')).toThrow(
      new ConfigError('github.region must be a region name such as eu-west-1, got "Europe"'),
    );
  });
});
