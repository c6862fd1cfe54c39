import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IPolicyValidationContext } from 'aws-cdk-lib';
import { App, CfnResource, CloudFormationValidatePlugin, Stack, Validations } from 'aws-cdk-lib';
import { CloudFormationValidation } from '../../lib/cloudformation-validation';
import { addPolicyValidation } from '../../lib/policy-validation';

/** An app whose one stack holds an SNS topic with a wrongly typed and an unknown property. */
function appWithBadTopic(context: Record<string, unknown> = {}): { app: App; topic: CfnResource; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-validation-'));
  const app = new App({ outdir, builtinCloudFormationValidation: false, context });
  const topic = new CfnResource(new Stack(app, 'Topics'), 'Topic', {
    type: 'AWS::SNS::Topic',
    properties: { TopicName: 12, Nonsense: true },
  });
  return { app, topic, outdir };
}

type Report = { pluginReports: { pluginName: string; violations: { ruleName: string }[] }[] };

const reportOf = (outdir: string) =>
  JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as Report;

const ruleNames = (report: Report) =>
  report.pluginReports
    .filter((r) => r.pluginName === CloudFormationValidatePlugin.PLUGIN_NAME)
    .flatMap((r) => r.violations.map((v) => v.ruleName))
    .sort();

describe('CloudFormationValidation', () => {
  let outdirs: string[] = [];
  afterEach(() => {
    for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
    outdirs = [];
  });

  test("reports what aws-cdk-lib's built-in plugin reports on the same templates, from its worker thread", () => {
    const { app, outdir } = appWithBadTopic();
    outdirs.push(outdir);
    const assembly = app.synth();
    const context = {
      templatePaths: assembly.stacks.map((s) => s.templateFullPath),
      stackTemplates: assembly.stacks.map((s) => ({
        stackConstructPath: s.hierarchicalId,
        templatePath: s.templateFullPath,
      })),
    } as unknown as IPolicyValidationContext;

    const ours = new CloudFormationValidation().validate(context);
    const builtin = new CloudFormationValidatePlugin().validate(context);

    expect(ours).toEqual(builtin);
    expect(ours.violations.map((v) => v.ruleName).sort()).toEqual(['F3002', 'W9003']);
  });

  test('registered by addPolicyValidation, reports under the built-in name, as warnings by default', () => {
    const { app, outdir } = appWithBadTopic();
    outdirs.push(outdir);
    addPolicyValidation(app, { cloudFormationValidation: true });

    expect(() => app.synth()).not.toThrow();
    expect(ruleNames(reportOf(outdir))).toEqual(['F3002', 'W9003']);
  });

  test('fails the synth when @aws-cdk/core:validateAgainstDefaultRules makes its errors errors', () => {
    const { app, outdir } = appWithBadTopic({ '@aws-cdk/core:validateAgainstDefaultRules': true });
    outdirs.push(outdir);
    addPolicyValidation(app, { cloudFormationValidation: true });

    expect(() => app.synth()).toThrow(/Nonsense: Additional properties are not allowed/);
  });

  test('lets an acknowledged rule pass, as for the built-in plugin', () => {
    const { app, topic, outdir } = appWithBadTopic({ '@aws-cdk/core:validateAgainstDefaultRules': true });
    outdirs.push(outdir);
    Validations.of(topic).acknowledge({ id: 'CloudFormation-Validate::F3002', reason: 'a test of acknowledgements' });
    addPolicyValidation(app, { cloudFormationValidation: true });

    expect(() => app.synth()).not.toThrow();
  });
});
