import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ApiStack } from '../../lib/api-stack';
import { acknowledgeGuardRule } from '../../lib/policy-validation';
import { PROJECT_ROOT, newApp, shippedConfig } from '../support/template';

type TemplateJson = { Resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }> };

/** Writes templates to a temporary folder and runs .ci/guard.ts on them, as .ci/checks does. */
function guard(...templates: unknown[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-test-'));
  const files = templates.map((t, i) => {
    const file = path.join(dir, `Stack${i}.template.json`);
    fs.writeFileSync(file, JSON.stringify(t));
    return file;
  });
  const result = spawnSync(process.execPath, ['--import', 'tsx', '.ci/guard.ts', ...files], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const logGroupTemplate = (acknowledge: boolean): TemplateJson => {
  const stack = new Stack(newApp(), 'Logs');
  const group = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_WEEK });
  if (acknowledge) {
    acknowledgeGuardRule(group, { id: 'CT.CLOUDWATCH.PR.2', reason: 'a test group that holds development logs only' });
  }
  return Template.fromStack(stack).toJSON() as TemplateJson;
};

describe('.ci/guard.ts', () => {
  let shipped: TemplateJson;
  beforeAll(() => {
    shipped = Template.fromStack(new ApiStack(newApp(), 'Api', { config: shippedConfig() })).toJSON() as TemplateJson;
  });

  test('passes the shipped stack, its exceptions acknowledged in Metadata.guard', () => {
    const { status, stdout, stderr } = guard(shipped);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    // 20: CT.LAMBDA.PR.3 on the three functions, CT.LAMBDA.PR.2 on the 12 route and 3 authorizer permissions (no
    // account offline), CT.CLOUDWATCH.PR.2 on beta's two log groups
    expect(stdout).toMatch(/: 2\d\d Control Tower rules, 0 violations, 20 acknowledged in Metadata\.guard\n$/);
  });

  test("fails the shipped stack's functions once one acknowledgement is removed, naming the control", () => {
    // the functions alone: cfn-guard spends seconds a run on the whole template, which the test above checks
    const functions = Object.entries(structuredClone(shipped.Resources)).filter(
      ([, r]) => r.Type === 'AWS::Lambda::Function',
    );
    const [logicalId, fn] = functions[0]!;
    delete fn.Metadata!.guard;

    const { status, stdout, stderr } = guard({ Resources: Object.fromEntries(functions) });

    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`: CT\\.LAMBDA\\.PR\\.3 \\(lambda_inside_vpc_check\\) violated by ${logicalId}$`),
      ),
    ]);
    // the other functions' acknowledgements still hold
    expect(stdout).toMatch(new RegExp(`, 1 violations, ${functions.length - 1} acknowledged in Metadata\\.guard\\n$`));
  });

  test('fails on every violation of an unacknowledged template, and names each control', () => {
    const { status, stderr } = guard(logGroupTemplate(false));
    expect(status).toBe(1);
    expect(stderr).toMatch(/CT\.CLOUDWATCH\.PR\.2 \(cloudwatch_log_group_retention_period_check\) violated by Logs/);
    expect(stderr).toMatch(/CT\.CLOUDWATCH\.PR\.3 \(cloudwatch_log_group_encrypted_check\) violated by Logs/);
  });

  test('excuses only the rule the resource acknowledges', () => {
    const { status, stderr } = guard(logGroupTemplate(true));
    expect(status).toBe(1);
    expect(stderr).not.toContain('CT.CLOUDWATCH.PR.2');
    expect(stderr).toContain('CT.CLOUDWATCH.PR.3');
  });

  test('fails without a template to check', () => {
    expect(guard().status).toBe(2);
  });
});
