import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { App } from 'aws-cdk-lib';
import { ApiStack } from '../../lib/api-stack';
import { startingFirst } from '../../lib/background-validation';
import { ControlTowerGuard, controlTowerRulesFor, ruleResourceTypes } from '../../lib/control-tower-guard';
import { policyValidationPlugins } from '../../lib/policy-validation';
import { newApp, shippedConfig } from '../support/template';

const EKS_RULE = `#####################################
# Rule Identifier:
#   eks_secrets_encrypted_check
#
# Reports on:
#   AWS::EKS::Cluster, AWS::EKS::Nodegroup
#   AWS::EKS::Addon
#
# Evaluates:
#   AWS CloudFormation
let clusters = Resources.*[ Type == 'AWS::EKS::Cluster' ]
rule check when %clusters !empty { check_local_references(%INPUT_DOCUMENT, KeyArn, "AWS::KMS::Key") }
`;

/** A folder of rule files, removed after `use`. */
function withRules<T>(files: Record<string, string>, use: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-rules-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return use(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The shipped stack synthesized without policy plugins, and the validation context a plugin would get. */
function shippedContext(outdir: string): { app: App; context: IPolicyValidationContext } {
  const app = new App({ outdir, context: newApp().node.getAllContext() });
  new ApiStack(app, 'Api', { config: shippedConfig() });
  const assembly = app.synth();
  return {
    app,
    context: {
      templatePaths: assembly.stacks.map((stack) => stack.templateFullPath),
      stackTemplates: assembly.stacks.map((stack) => ({
        stackConstructPath: stack.hierarchicalId,
        templatePath: stack.templateFullPath,
        accountId: undefined,
        region: undefined,
      })),
      appConstruct: app,
    },
  };
}

const found = (report: PolicyValidationPluginReport) =>
  report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.resourceLogicalId}`)).sort();

describe('ruleResourceTypes', () => {
  test("are the types of the rule's Reports on header, over every line of it, not the types it only references", () => {
    expect(ruleResourceTypes(EKS_RULE)).toEqual(['AWS::EKS::Cluster', 'AWS::EKS::Nodegroup', 'AWS::EKS::Addon']);
  });

  test('are every type the text names when it has no header, and none when it names none', () => {
    expect(ruleResourceTypes("let f = Resources.*[ Type == 'AWS::Lambda::Function' ]")).toEqual([
      'AWS::Lambda::Function',
    ]);
    expect(ruleResourceTypes('let all = Resources.*')).toEqual([]);
  });

  test('cover every published Control Tower rule: each has a Reports on header naming a type', () => {
    const dir = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules');
    const files = fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.guard'))
      .map((file) => path.join(dir, file));
    const headerless = files.filter((file) => !/^#\s*Reports on:\s*\n#\s+AWS::/m.test(fs.readFileSync(file, 'utf8')));
    expect(files.length).toBeGreaterThan(200);
    expect(headerless).toEqual([]);
  });
});

describe('the Control Tower rules a synth runs', () => {
  test('are the rule files reporting on a resource type of the templates, and those naming none', () => {
    const files = {
      'lambda/ct-lambda.guard': "let f = Resources.*[ Type == 'AWS::Lambda::Function' ]",
      'ct-s3.guard': "let b = Resources.*[ Type == 'AWS::S3::Bucket' ]",
      'ct-any.guard': 'let all = Resources.*',
      'eks/ct-eks.guard': EKS_RULE,
      'README.md': 'AWS::Lambda::Function',
    };
    const chosen = withRules(files, (dir) =>
      controlTowerRulesFor(new Set(['AWS::Lambda::Function', 'AWS::KMS::Key']), dir).map((f) => path.relative(dir, f)),
    );
    expect(chosen).toEqual(['ct-any.guard', path.join('lambda', 'ct-lambda.guard')]);
  });

  test('find what all 237 find on the shipped stack without its acknowledgements', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-same-'));
    try {
      // GIVEN: the stack's template as synthesized, before any acknowledgement is applied
      const { app, context } = shippedContext(outdir);

      // WHEN
      const chosen = found(policyValidationPlugins(app).cfnGuard.validate(context));
      const all = found(new CfnGuardValidator().validate(context));

      // THEN: the same violations, and there are some to compare (the functions outside a VPC, at least)
      expect(chosen).toEqual(all);
      expect(all.filter((v) => v.startsWith('lambda_inside_vpc_check '))).toHaveLength(3);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('ControlTowerGuard', () => {
  test('started before another plugin, reports what it reports unstarted; the other plugin runs as it would', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-started-'));
    try {
      const { context } = shippedContext(outdir);
      const other: IPolicyValidationPlugin = {
        name: 'other',
        version: '1.2.3',
        ruleIds: ['R1'],
        validate: () => ({ success: false, violations: [] }),
      };
      const guard = new ControlTowerGuard();

      const wrapped = startingFirst(other, [guard]);
      const otherReport = wrapped.validate(context);
      const started = guard.validate(context);
      const unstarted = new ControlTowerGuard().validate(context);

      expect({ name: wrapped.name, version: wrapped.version, ruleIds: wrapped.ruleIds }).toEqual({
        name: 'other',
        version: '1.2.3',
        ruleIds: ['R1'],
      });
      expect(otherReport).toEqual({ success: false, violations: [] });
      expect(found(started)).toEqual(found(unstarted));
      expect(found(started).length).toBeGreaterThan(0);
      expect(started.violations.every((v) => v.severity === 'error')).toBe(true);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test("fails with cfn-guard's error, rather than waiting for a report, when cfn-guard cannot read a template", () => {
    // a lone surrogate escape: JSON to Node, a parse error to cfn-guard
    const templates = {
      'Stack.template.json':
        '{"Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{"Description":"\\ud800"}}}}',
    };
    withRules(templates, (dir) => {
      const templatePath = path.join(dir, 'Stack.template.json');
      const context = { templatePaths: [templatePath] } as unknown as IPolicyValidationContext;
      expect(() => new ControlTowerGuard().validate(context)).toThrow(/CfnGuardValidator plugin failed[^]*status 255/);
    });
  });
});
