import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type { IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';
import type { BackgroundValidationPlugin } from './background-validation';
import { BlockingWorker, sameTemplates } from './background-validation';

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

/** The published plugin over the chosen rules, in a worker thread. */
const GUARD_WORKER = `
const { CfnGuardValidator } = require(workerData.plugin);
serve(({ rules, templatePaths }) =>
  new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate({ templatePaths }),
);
`;

/** A cfn-guard run started in a worker thread, which {@link PendingGuardRun.result} waits for. */
class PendingGuardRun {
  private readonly worker = new BlockingWorker(GUARD_WORKER, {
    plugin: require.resolve('@cdklabs/cdk-validator-cfnguard'),
  });

  public constructor(
    public readonly templatePaths: readonly string[],
    rules: readonly string[],
  ) {
    this.worker.send({ rules, templatePaths });
  }

  /** The plugin's report; blocks the thread until the worker gives it. */
  public result(): PolicyValidationPluginReport {
    try {
      return this.worker.next(GUARD_TIMEOUT_MS) as PolicyValidationPluginReport;
    } finally {
      this.worker.close();
    }
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
 * cfn-guard is a separate binary that takes about half a second here: {@link start} runs it from a worker thread,
 * on the other core while this thread works (`startingFirst`), and {@link validate} collects its report; unstarted,
 * {@link validate} starts it and waits.
 */
export class ControlTowerGuard implements BackgroundValidationPlugin {
  private readonly all = new CfnGuardValidator();
  public readonly name = this.all.name;
  public readonly version = this.all.version;
  public readonly ruleIds = this.all.ruleIds;
  private pending?: PendingGuardRun;

  public constructor(private readonly rulesDir = CONTROL_TOWER_RULES_DIR) {}

  public start(context: IPolicyValidationContext): void {
    this.run(context);
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const pending = this.run(context);
    this.pending = undefined;
    const report = pending?.result() ?? { success: true, violations: [] };
    return { ...report, violations: report.violations.map((v) => ({ ...v, severity: v.severity ?? 'error' })) };
  }

  /** Starts cfn-guard over the templates, unless a run over the same ones is under way; none if no rule applies. */
  private run(context: IPolicyValidationContext): PendingGuardRun | undefined {
    if (this.pending && sameTemplates(this.pending.templatePaths, context.templatePaths)) return this.pending;
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
