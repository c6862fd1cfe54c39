import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';
import type { BackgroundValidationPlugin } from './background-validation';
import { BlockingWorker, sameTemplates } from './background-validation';

/** The version of the validation engine aws-cdk-lib ships, read from its package (loading the engine takes 0.1 s). */
const ENGINE_VERSION = (
  JSON.parse(
    fs.readFileSync(
      require.resolve('@aws/cloudformation-validate/package.json', {
        paths: [path.dirname(require.resolve('aws-cdk-lib/package.json'))],
      }),
      'utf8',
    ),
  ) as { version: string }
).version;

/** How long a synth waits for the validation before it fails: far above the second or two it takes. */
const VALIDATION_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * aws-cdk-lib's own plugin in a worker thread. Its engine's first start (about 1.5 s of CPU, the same for any app)
 * needs no template, so the worker starts it on an empty one at once, while the app constructs its stacks.
 */
const VALIDATION_WORKER = `
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { CloudFormationValidatePlugin } = require(workerData.cdkLib);
const plugin = new CloudFormationValidatePlugin();
try {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-validate-warm-'));
  try {
    const templatePath = path.join(dir, 'Warm.template.json');
    fs.writeFileSync(templatePath, '{"Resources":{}}');
    plugin.validate({ templatePaths: [templatePath], stackTemplates: [{ stackConstructPath: 'Warm', templatePath }] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
} catch {
  // only a head start: the real validation below reports whatever fails
}
serve(({ templatePaths, stackTemplates }) => plugin.validate({ templatePaths, stackTemplates }));
`;

/**
 * aws-cdk-lib's built-in CloudFormation validation (`CloudFormationValidatePlugin`: resource schemas and the CDK's
 * rules), the same plugin with the same settings, run in a worker thread instead of the synth's own.
 *
 * The built-in validation costs 2-3 s of CPU per synth, most of it before it reads a template. Created with the
 * app, this plugin starts the engine at once, on the other core while the stacks are constructed; {@link start}
 * hands it the templates when the first policy plugin runs (`startingFirst`), so that it validates while cdk-nag
 * works. Its report carries the built-in plugin's name, so aws-cdk-lib treats it as its own: errors reported as
 * warnings unless `@aws-cdk/core:validateAgainstDefaultRules` is set, acknowledgements matched the same way.
 *
 * Register it only on an app created with `builtinCloudFormationValidation: false`, else the validation runs twice.
 */
export class CloudFormationValidation implements BackgroundValidationPlugin {
  public readonly name = CloudFormationValidatePlugin.PLUGIN_NAME;
  public readonly version = ENGINE_VERSION;
  public readonly ruleIds = [ENGINE_VERSION];
  private worker?: BlockingWorker = this.startWorker();
  private started?: readonly string[];

  public start(context: IPolicyValidationContext): void {
    if (this.worker && this.started && sameTemplates(this.started, context.templatePaths)) return;
    // templates other than those already sent: that answer would be stale
    if (this.started) this.worker?.close();
    if (this.started || !this.worker) this.worker = this.startWorker();
    this.worker.send({ templatePaths: context.templatePaths, stackTemplates: context.stackTemplates });
    this.started = context.templatePaths;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.start(context);
    const worker = this.worker!;
    // one validation a worker: the engine holds a few hundred MB, and a synth validates once
    this.worker = undefined;
    this.started = undefined;
    try {
      return worker.next(VALIDATION_TIMEOUT_MS) as PolicyValidationPluginReport;
    } finally {
      worker.close();
    }
  }

  private startWorker(): BlockingWorker {
    return new BlockingWorker(VALIDATION_WORKER, { cdkLib: require.resolve('aws-cdk-lib') });
  }
}
