import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';

/** Where `@cdklabs/cdk-validator-cfnguard` keeps the Control Tower rules: one `.guard` file per control. */
export const CONTROL_TOWER_RULES_DIR = path.join(
  path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules',
  'control-tower',
  'cfn-guard',
);

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/** The header block each Control Tower rule opens with, listing the resource types it reports on. */
const REPORTS_ON = /^#\s*Reports on:\s*\n((?:#[ \t]+AWS::.*\n?)+)/m;

/**
 * The resource types a rule file applies to: those its `Reports on:` header lists (every published Control Tower
 * rule has one); else every type its text names; empty when it names none.
 *
 * The header is the documented scope: a rule reads other types only through the resources it reports on (a KMS key
 * an EKS cluster references, say), and passes when the template has none of those.
 */
export function ruleResourceTypes(ruleText: string): string[] {
  const header = REPORTS_ON.exec(ruleText)?.[1];
  return (header ?? ruleText).match(RESOURCE_TYPE) ?? [];
}

/**
 * The Control Tower rule files that can apply to templates holding these resource types: those whose types
 * ({@link ruleResourceTypes}) include one of them, and any that names none (it cannot be judged from its text, so
 * it always runs).
 *
 * A rule whose types are absent passes (cfn-guard skips it), so running only these gives the verdict of running all
 * 237, at a fraction of the time: cfn-guard spends 20-30 ms a rule on this stack's template.
 */
export function controlTowerRulesFor(resourceTypes: ReadonlySet<string>, rulesDir = CONTROL_TOWER_RULES_DIR): string[] {
  return fs
    .readdirSync(rulesDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.guard'))
    .sort()
    .map((file) => path.join(rulesDir, file))
    .filter((file) => {
      const types = ruleResourceTypes(fs.readFileSync(file, 'utf8'));
      return types.length === 0 || types.some((type) => resourceTypes.has(type));
    });
}

/** How long a synth waits for cfn-guard before it fails: far above the second it takes. */
const GUARD_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * Runs in a worker thread: the published plugin over the chosen rules, its report posted back. Plain JavaScript,
 * so that it needs no TypeScript loader in whichever runner (tsx, Jest) the synth runs under.
 */
const GUARD_WORKER = `
const { workerData } = require('node:worker_threads');
const { plugin, rules, templatePaths, port, done } = workerData;
let message;
try {
  const { CfnGuardValidator } = require(plugin);
  const report = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate({ templatePaths });
  message = { report };
} catch (error) {
  message = { error: error instanceof Error ? error.message : String(error) };
}
port.postMessage(message);
Atomics.store(done, 0, 1);
Atomics.notify(done, 0);
`;

interface GuardMessage {
  readonly report?: PolicyValidationPluginReport;
  readonly error?: string;
}

/** A cfn-guard run started in a worker thread, which {@link PendingGuardRun.result} waits for. */
class PendingGuardRun {
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private readonly channel = new MessageChannel();

  public constructor(
    public readonly templatePaths: readonly string[],
    rules: readonly string[],
  ) {
    const worker = new Worker(GUARD_WORKER, {
      eval: true,
      workerData: {
        plugin: require.resolve('@cdklabs/cdk-validator-cfnguard'),
        rules,
        templatePaths,
        port: this.channel.port2,
        done: this.done,
      },
      transferList: [this.channel.port2],
    });
    // the synth waits on the shared flag, not on the event loop: the worker must not hold the process open
    worker.unref();
  }

  /** The plugin's report; blocks the thread until the worker posts it. */
  public result(): PolicyValidationPluginReport {
    if (Atomics.wait(this.done, 0, 0, GUARD_TIMEOUT_MS) === 'timed-out') {
      throw new Error(`cfn-guard did not finish within ${GUARD_TIMEOUT_MS / 1000} s`);
    }
    const message = receiveMessageOnPort(this.channel.port1)?.message as GuardMessage | undefined;
    this.channel.port1.close();
    if (!message?.report) throw new Error(message?.error ?? 'cfn-guard ended without a report');
    return message.report;
  }
}

/**
 * The cfn-guard plugin over the Control Tower rules that can apply to the synthesized templates
 * ({@link controlTowerRulesFor}), with every violation marked an error.
 *
 * The plugin reports violations without a severity, and aws-cdk-lib 2.276, once any acknowledgement suppresses one
 * of a report's violations, recomputes the report's success as "no violation of severity error": an unmarked
 * violation would then print but pass the synth. `.ci/guard.ts` runs all the rules on the same templates in CI.
 *
 * cfn-guard is a separate binary that takes about half a second here. {@link startBefore} wraps the plugin that
 * runs before this one so that the binary starts with it, in a worker thread, and runs on the other core meanwhile;
 * {@link validate} then collects its report. Unstarted, {@link validate} starts and waits itself.
 */
export class ControlTowerGuard implements IPolicyValidationPlugin {
  private readonly all = new CfnGuardValidator();
  public readonly name = this.all.name;
  public readonly version = this.all.version;
  public readonly ruleIds = this.all.ruleIds;
  private pending?: PendingGuardRun;

  public constructor(private readonly rulesDir = CONTROL_TOWER_RULES_DIR) {}

  /** A plugin that runs like `plugin`, and starts this one's cfn-guard run on the same templates first. */
  public startBefore(plugin: IPolicyValidationPlugin): IPolicyValidationPlugin {
    return {
      name: plugin.name,
      version: plugin.version,
      ruleIds: plugin.ruleIds,
      validate: (context) => {
        this.start(context);
        return plugin.validate(context);
      },
    };
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const pending = this.start(context);
    this.pending = undefined;
    const report = pending?.result() ?? { success: true, violations: [] };
    return { ...report, violations: report.violations.map((v) => ({ ...v, severity: v.severity ?? 'error' })) };
  }

  /** Starts cfn-guard over the templates, unless a run over the same ones is under way; none if no rule applies. */
  private start(context: IPolicyValidationContext): PendingGuardRun | undefined {
    const same = (run: PendingGuardRun) =>
      run.templatePaths.length === context.templatePaths.length &&
      run.templatePaths.every((template, i) => template === context.templatePaths[i]);
    if (this.pending && same(this.pending)) return this.pending;
    const types = new Set(
      context.templatePaths.flatMap((template) =>
        Object.values(
          (JSON.parse(fs.readFileSync(template, 'utf8')) as { Resources?: Record<string, { Type: string }> })
            .Resources ?? {},
        ).map((resource) => resource.Type),
      ),
    );
    const rules = controlTowerRulesFor(types, this.rulesDir);
    this.pending = rules.length === 0 ? undefined : new PendingGuardRun(context.templatePaths, rules);
    return this.pending;
  }
}
