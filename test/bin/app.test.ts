import type { SpawnSyncReturns } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectAssembly } from '../local/support/project-assembly';
import { PROJECT_ROOT, cdkJson, rawConfig } from '../support/template';

type AppRun = SpawnSyncReturns<string> & { outdir: string };
const runs = new Map<string, AppRun>();

/**
 * Runs bin/app.ts as the CDK CLI would, with the committed context plus overrides, offline and without credentials.
 * Tests that give the same inputs share one run: the app is a function of them.
 */
function runApp(context: Record<string, unknown>, defaults: { account?: string; region?: string } = {}): AppRun {
  const key = JSON.stringify([context, defaults]);
  const run = runs.get(key) ?? spawnApp(context, defaults);
  runs.set(key, run);
  return run;
}

function spawnApp(context: Record<string, unknown>, defaults: { account?: string; region?: string }): AppRun {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-test-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJson().context, ...context }),
  };
  delete env.CDK_DEFAULT_ACCOUNT;
  delete env.CDK_DEFAULT_REGION;
  if (defaults.account) env.CDK_DEFAULT_ACCOUNT = defaults.account;
  if (defaults.region) env.CDK_DEFAULT_REGION = defaults.region;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
  });
  return { ...result, outdir };
}

describe('bin/app.ts', () => {
  test('fails with one line naming the key and the value, and a non-zero exit, on a bad config value', () => {
    const api = rawConfig();
    api.environments.default.releases.v1.canary.percentTraffic = 150;

    const { status, stderr, outdir } = runApp({ api });

    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'Invalid configuration: api.environments.default.releases.v1.canary.percentTraffic must be between 0 and 100, got 150',
    ]);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('fails the same way on an unknown deployment environment given with -c env', () => {
    const { status, stderr } = runApp({ env: 'prod' });
    expect(status).toBe(1);
    expect(stderr).toContain('env names an unknown deployment environment, got "prod"');
  });

  // the committed config as is: the assembly `cdk synth` makes of it, which test files share (it fails if the synth does)
  test('synthesizes one stack per selected environment, offline', async () => {
    const outdir = await projectAssembly();
    expect(fs.existsSync(path.join(outdir, 'ServerlessApi-default.template.json'))).toBe(true);
  });

  test("runs cfn-guard's Control Tower controls beside cdk-nag, which pass with the acknowledged exceptions", async () => {
    const outdir = await projectAssembly();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; conclusion: string; suppressedViolations?: { ruleName: string }[] }[];
    };
    const guard = report.pluginReports.find((r) => r.pluginName === 'cdk-validator-cfnguard');
    expect(guard?.conclusion).toBe('success');
    expect(new Set(guard?.suppressedViolations?.map((v) => v.ruleName))).toEqual(
      new Set([
        'lambda_inside_vpc_check',
        'cloudwatch_log_group_retention_period_check',
        'lambda_function_public_access_prohibited_check',
      ]),
    );
  });

  test('synthesizes no deploy role stack without a github block', async () => {
    expect(stackNames(await projectAssembly())).toEqual(['ServerlessApi-default']);
  });

  // with the CLI's account and region too: one synth serves this test and the one on the CLI's environment
  const GITHUB = { repository: 'octo-org/octo-repo', account: '222222222222', region: 'ap-northeast-2' };
  const CLI_ENVIRONMENT = { account: '111111111111', region: 'eu-west-1' };

  test('synthesizes the GitHubDeployRole stack, cdk-nag clean, when the github block is present', () => {
    const { status, stderr, outdir } = runApp({ github: GITHUB }, CLI_ENVIRONMENT);

    expect({ status, stderr: stderr.includes('Error') ? stderr : '' }).toEqual({ status: 0, stderr: '' });
    expect(stackNames(outdir)).toEqual(['GitHubDeployRole', 'ServerlessApi-default']);
    expect(stackEnvironment(outdir, 'GitHubDeployRole')).toBe('aws://222222222222/ap-northeast-2');
  });

  test('fails with one line naming the key and the value on a bad github value', () => {
    const { status, stderr } = runApp({ github: { repository: 'octo-repo' } });
    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'Invalid configuration: github.repository must be "owner/name", got "octo-repo"',
    ]);
  });

  test("deploys to the CLI's account and region when the environment block pins none", () => {
    const { outdir } = runApp({ github: GITHUB }, CLI_ENVIRONMENT);
    expect(stackEnvironment(outdir)).toBe('aws://111111111111/eu-west-1');
  });

  test("deploys to the environment block's account and region over the CLI's", () => {
    const api = rawConfig();
    api.environments.default.account = '222222222222';
    api.environments.default.region = 'ap-northeast-2';

    const { outdir } = runApp({ api }, CLI_ENVIRONMENT);

    expect(stackEnvironment(outdir)).toBe('aws://222222222222/ap-northeast-2');
  });
});

type Manifest = { artifacts: Record<string, { type: string; environment?: string }> };

function manifest(outdir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as Manifest;
}

function stackEnvironment(outdir: string, stack = 'ServerlessApi-default'): string {
  return manifest(outdir).artifacts[stack]!.environment!;
}

function stackNames(outdir: string): string[] {
  return Object.entries(manifest(outdir).artifacts)
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([name]) => name)
    .sort();
}
