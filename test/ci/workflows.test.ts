import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { DEFAULT_BRANCH, DEFAULT_GITHUB_ENVIRONMENT, parseGitHubDeployConfig } from '../../lib/ci-config';
import { DeployRoleStack } from '../../lib/deploy-role-stack';
import { PROJECT_ROOT, newApp } from '../support/template';

const WORKFLOWS = path.join(PROJECT_ROOT, '.github', 'workflows');
const CHECKS = '.ci/checks';

interface Step {
  readonly name?: string;
  readonly shell?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly defaults?: Defaults;
  readonly needs?: string | string[];
  readonly if?: string;
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly steps: Step[];
}
interface Defaults {
  readonly run?: { readonly shell?: string };
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly defaults?: Defaults;
  readonly permissions?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const source = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
const workflow = (file: string) => parse(source(file)) as Workflow;
const workflowFiles = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? [s.run.trim()] : []));
const uses = (job: Job, action: string) => job.steps.find((s) => s.uses?.startsWith(`${action}@`));

describe('workflow files', () => {
  test('are the pull-request and deploy workflows', () => {
    expect(workflowFiles.sort()).toEqual(['deploy.yml', 'pull-request.yml']);
  });

  test.each(workflowFiles)('%s is valid against the GitHub Actions workflow schema', (file) => {
    expect(validateWorkflow(source(file)).errors).toEqual([]);
  });

  test('the schema check refuses a broken workflow, so the checks above can fail', () => {
    const broken = source('deploy.yml').replace('cancel-in-progress: false', 'cancel-in-progres: false');
    expect(validateWorkflow(broken).errors).not.toEqual([]);
    expect(
      validateWorkflow(
        'on: push\njobs:\n  a:\n    needs: b\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n',
      ).errors,
    ).toEqual([expect.objectContaining({ code: 'unresolved_job', path: '/jobs/a/needs' })]);
  });

  test.each(workflowFiles)('%s reads no secrets: nothing it runs needs one', (file) => {
    expect(source(file)).not.toMatch(/secrets\.|aws-access-key-id|aws-secret-access-key/);
  });

  test.each(workflowFiles)('%s fails a step when any command of a pipe fails', (file) => {
    // github's default shell is `bash -e {0}`; only a named `shell: bash` adds -o pipefail, without which
    // `.ci/diff-against-base ... | tee` would pass whatever the script exits with
    const wf = workflow(file);
    const piped = Object.values(wf.jobs).flatMap((job) =>
      job.steps
        .filter((s) => s.run?.includes('|'))
        .map((s) => s.shell ?? job.defaults?.run?.shell ?? wf.defaults?.run?.shell),
    );
    for (const shell of piped) expect(shell).toBe('bash');
    expect(wf.defaults?.run?.shell).toBe('bash');
  });

  test.each(workflowFiles)('%s pins every action to a full commit SHA, with its release tag in a comment', (file) => {
    const actions = Object.values(workflow(file).jobs).flatMap((job) => job.steps.flatMap((s) => s.uses ?? []));
    const lines = source(file)
      .split('\n')
      .filter((line) => /^\s*(- )?uses:/.test(line));
    expect(actions.length).toBeGreaterThan(0);
    expect(lines).toHaveLength(actions.length);
    for (const action of actions) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    for (const line of lines) expect(line).toMatch(/^\s*(- )?uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test('the pin check refuses a tag, a short SHA and a pin without its version comment', () => {
    const pinned = /^\s*(- )?uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/;
    expect('      - uses: actions/checkout@v7').not.toMatch(pinned);
    expect('      - uses: actions/checkout@3d3c42e # v7.0.1').not.toMatch(pinned);
    expect('      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1').not.toMatch(pinned);
    expect('      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1').toMatch(pinned);
  });

  test.each(workflowFiles)('%s runs a maintained Node.js (22 or 24) that package.json engines admits', (file) => {
    const engines = (
      JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
        engines: { node: string };
      }
    ).engines.node;
    const minimum = Number(/^>=(\d+)$/.exec(engines)?.[1]);
    const versions = Object.values(workflow(file).jobs).flatMap((job) =>
      job.steps.flatMap((s) => (s.uses?.startsWith('actions/setup-node@') ? [s.with?.['node-version']] : [])),
    );
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) {
      expect([22, 24]).toContain(version);
      expect(version).toBeGreaterThanOrEqual(minimum);
    }
  });
});

describe('the same checks everywhere', () => {
  test('.ci/run installs from the lockfile, then runs .ci/checks and nothing else', () => {
    const commands = fs
      .readFileSync(path.join(PROJECT_ROOT, '.ci', 'run'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#'));
    expect(commands.slice(-2)).toEqual(['npm ci --no-audit --no-fund', `exec ${CHECKS}`]);
  });

  test.each([
    ['pull-request.yml', 'checks'],
    ['deploy.yml', 'checks'],
  ])('%s job %s installs from the lockfile, installs cfn-lint, then runs .ci/checks', (file, jobName) => {
    const commands = runs(workflow(file).jobs[jobName]!);
    expect(commands.at(-1)).toBe(CHECKS);
    expect(commands.at(-2)).toBe('npm ci --no-audit --no-fund');
    expect(commands.some((c) => c.startsWith('pip install') && c.includes('cfn-lint'))).toBe(true);
  });

  test('.ci/checks type-checks, lints, checks formatting, tests, synthesizes, runs cfn-guard and lints the templates', () => {
    const checks = fs.readFileSync(path.join(PROJECT_ROOT, '.ci', 'checks'), 'utf8');
    for (const command of [
      'npm run build',
      'npm run lint',
      'npm run format:check',
      'npm test',
      'npx cdk synth --quiet',
      'npx tsx .ci/guard.ts cdk.out/*.template.json',
      'cfn-lint --non-zero-exit-code error',
    ]) {
      expect(checks).toContain(command);
    }
    expect(checks).toMatch(/^set -euo pipefail$/m);
  });
});

describe('pull-request workflow', () => {
  const pr = workflow('pull-request.yml');

  test('runs on pull requests only, never pull_request_target (which hands fork code a write token)', () => {
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
  });

  test('can read the repository and nothing else: no OIDC token, no write', () => {
    expect(pr.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(pr.jobs)) expect(job.permissions).toBeUndefined();
  });

  test('writes the offline cdk diff against the merge base to the job summary', () => {
    const commands = runs(pr.jobs['infrastructure-diff']!);
    expect(commands).toEqual([
      'npm ci --no-audit --no-fund',
      'npx cdk synth --quiet',
      '.ci/synth-ref HEAD^1 "$RUNNER_TEMP/base.out"',
      '.ci/diff-against-base "$RUNNER_TEMP/base.out" cdk.out | tee -a "$GITHUB_STEP_SUMMARY"',
      '.ci/openapi-diff "$RUNNER_TEMP/base.out" cdk.out | tee -a "$GITHUB_STEP_SUMMARY"',
    ]);
    // HEAD^1 is the base the merge commit was made on: it needs the merge commit's parents
    expect(uses(pr.jobs['infrastructure-diff']!, 'actions/checkout')!.with).toEqual({ 'fetch-depth': 2 });
  });

  test('uses Node 24 with the npm cache', () => {
    for (const job of Object.values(pr.jobs)) {
      expect(uses(job, 'actions/setup-node')!.with).toEqual({ 'node-version': 24, cache: 'npm' });
    }
  });
});

describe('deploy workflow', () => {
  const deploy = workflow('deploy.yml');
  const job = deploy.jobs.deploy!;

  test('runs on pushes to main and by hand only', () => {
    expect(deploy.on).toEqual({ push: { branches: [DEFAULT_BRANCH] }, workflow_dispatch: null });
    expect(job.if).toBe(`github.ref == 'refs/heads/${DEFAULT_BRANCH}'`);
  });

  test('grants nothing by default; only the deploy job may request an OIDC token', () => {
    expect(deploy.permissions).toEqual({});
    expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    expect(deploy.jobs.checks!.permissions).toEqual({ contents: 'read' });
  });

  test('deploys only after the checks pass', () => {
    expect(job.needs).toBe('checks');
  });

  test('deploys one at a time and never cancels a running deployment', () => {
    expect(job.concurrency).toEqual({
      group: "deploy-${{ vars.DEPLOY_ENV || 'default' }}",
      'cancel-in-progress': false,
    });
  });

  test('runs in the GitHub environment the deploy role trusts, so approvals apply', () => {
    expect(job.environment).toBe(DEFAULT_GITHUB_ENVIRONMENT);
  });

  test('presents the subject the deploy role trusts', () => {
    const config = parseGitHubDeployConfig({ repository: 'octo-org/octo-repo' })!;
    const stack = new DeployRoleStack(newApp(), 'GitHubDeployRole', { config });
    // a job with `environment:` presents repo:<owner>/<name>:environment:<name> (GitHub's OIDC reference)
    expect(stack.deployRole.subject).toBe(`repo:octo-org/octo-repo:environment:${job.environment!}`);
  });

  test('assumes the role from the repository variables with short-lived OIDC credentials', () => {
    const step = uses(job, 'aws-actions/configure-aws-credentials')!;
    expect(step.with).toMatchObject({
      'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}',
      'aws-region': '${{ vars.AWS_REGION }}',
    });
    expect(Object.keys(step.with!).sort()).toEqual(['aws-region', 'role-session-name', 'role-to-assume']);
  });

  test('deploys the API stack of the selected environment, after the credentials, without prompting', () => {
    const index = (predicate: (s: Step) => boolean) => job.steps.findIndex(predicate);
    const credentials = index((s) => !!s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    const deployStep = index((s) => !!s.run?.includes('cdk deploy'));
    expect(credentials).toBeGreaterThan(-1);
    expect(deployStep).toBeGreaterThan(credentials);
    expect(job.steps[deployStep]!.run!.trim()).toBe(
      'npx cdk deploy --require-approval never -c env="$DEPLOY_ENV" "ServerlessApi-$DEPLOY_ENV"',
    );
  });
});
