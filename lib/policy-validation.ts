import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type { IConstruct } from 'constructs';
import type { App, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { CfnResource, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** The name cfn-guard's plugin reports under: the namespace of its rule ids in an acknowledgement. */
export const CFN_GUARD_PLUGIN_NAME = 'cdk-validator-cfnguard';

/**
 * The Control Tower proactive controls this project acknowledges somewhere, by control id: the cfn-guard rule that
 * implements each (the name cfn-guard reports a violation under) and the resource type it checks.
 */
export const GUARD_RULES = {
  'CT.CLOUDWATCH.PR.2': { rule: 'cloudwatch_log_group_retention_period_check', resourceType: 'AWS::Logs::LogGroup' },
  'CT.LAMBDA.PR.2': { rule: 'lambda_function_public_access_prohibited_check', resourceType: 'AWS::Lambda::Permission' },
  'CT.LAMBDA.PR.3': { rule: 'lambda_inside_vpc_check', resourceType: 'AWS::Lambda::Function' },
} as const;

/** A control id of {@link GUARD_RULES}. */
export type GuardControlId = keyof typeof GUARD_RULES;

/** A Control Tower control that does not apply to some resources, and why. */
export interface GuardAcknowledgement {
  /** The control, e.g. `CT.LAMBDA.PR.3`. */
  readonly id: GuardControlId;
  /** Why the control does not apply here: specific enough for a reviewer to disagree with. */
  readonly reason: string;
}

/** The template metadata key cfn-guard rule authors read suppressions from (`Metadata.guard.SuppressedRules`). */
export const GUARD_METADATA_KEY = 'guard';

/** What {@link acknowledgeGuardRule} writes to a resource's template `Metadata.guard`. */
export interface GuardMetadata {
  /** The cfn-guard rule names that do not apply to this resource. */
  readonly SuppressedRules: string[];
  /** The reason for each, by rule name. */
  readonly Reasons: Record<string, string>;
}

const MINIMUM_REASON_LENGTH = 40;

/**
 * Registers the policy-validation plugins every synth of the app runs, each failing the synth on an unacknowledged
 * finding: cdk-nag's AwsSolutions pack and cfn-guard with AWS Control Tower's proactive controls (the rules and the
 * cfn-guard binary ship in `@cdklabs/cdk-validator-cfnguard`).
 */
export function addPolicyValidation(app: App): void {
  Validations.of(app).addPlugins(...Object.values(policyValidationPlugins(app)));
}

/** The plugins {@link addPolicyValidation} registers, by name: for a benchmark that times each on its own. */
export function policyValidationPlugins(app: App): Record<'cdkNag' | 'cfnGuard', IPolicyValidationPlugin> {
  return { cdkNag: new AwsSolutionsChecks(app, { verbose: true }), cfnGuard: new ControlTowerGuard() };
}

/** Where `@cdklabs/cdk-validator-cfnguard` keeps the Control Tower rules: one `.guard` file per control. */
export const CONTROL_TOWER_RULES_DIR = path.join(
  path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules',
  'control-tower',
  'cfn-guard',
);

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/**
 * The Control Tower rule files that can apply to templates holding these resource types: those naming one of the
 * types, and any that names none (it cannot be judged from its text, so it always runs).
 *
 * A rule only checks the resource types it names, and a rule whose types are absent passes (cfn-guard skips it), so
 * running only these gives the verdict of running all 237: at about a tenth of the time (cfn-guard takes 3 s over
 * all of them on this stack's template, most of it in rules for services the stack does not use).
 */
export function controlTowerRulesFor(resourceTypes: ReadonlySet<string>, rulesDir = CONTROL_TOWER_RULES_DIR): string[] {
  return fs
    .readdirSync(rulesDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.guard'))
    .sort()
    .map((file) => path.join(rulesDir, file))
    .filter((file) => {
      const named = fs.readFileSync(file, 'utf8').match(RESOURCE_TYPE) ?? [];
      return named.length === 0 || named.some((type) => resourceTypes.has(type));
    });
}

/**
 * The cfn-guard plugin over the Control Tower rules that can apply to the synthesized templates
 * ({@link controlTowerRulesFor}), with every violation marked an error. The plugin reports violations without a
 * severity, and aws-cdk-lib 2.276, once any acknowledgement suppresses one of a report's violations, recomputes the
 * report's success as "no violation of severity error": an unmarked violation would then print but pass the synth.
 * `.ci/guard.ts` runs all the rules on the same templates in CI.
 */
class ControlTowerGuard implements IPolicyValidationPlugin {
  private readonly all = new CfnGuardValidator();
  public readonly name = this.all.name;
  public readonly version = this.all.version;
  public readonly ruleIds = this.all.ruleIds;

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const types = new Set(
      context.templatePaths.flatMap((template) =>
        Object.values(
          (JSON.parse(fs.readFileSync(template, 'utf8')) as { Resources?: Record<string, { Type: string }> })
            .Resources ?? {},
        ).map((resource) => resource.Type),
      ),
    );
    const rules = controlTowerRulesFor(types);
    if (rules.length === 0) return { success: true, violations: [] };
    const guard = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules });
    const report = guard.validate(context);
    return { ...report, violations: report.violations.map((v) => ({ ...v, severity: v.severity ?? 'error' })) };
  }
}

/**
 * Acknowledges a Control Tower control on every resource of the type it checks at or under `scope`, with a reason,
 * as cdk-nag findings are acknowledged.
 *
 * Each resource gets both records: a policy-validation acknowledgement (`Validations.acknowledge`, which the cfn-guard
 * plugin's findings are matched against at synth) and its template's `Metadata.guard` (`SuppressedRules` and
 * `Reasons`), which `.ci/guard` honours when it runs the same rules on the synthesized templates.
 *
 * @returns the resources acknowledged
 * @throws if the reason is shorter than a sentence, or no resource at or under `scope` has the control's type
 */
export function acknowledgeGuardRule(scope: IConstruct, acknowledgement: GuardAcknowledgement): CfnResource[] {
  const { id, reason } = acknowledgement;
  const { rule, resourceType } = GUARD_RULES[id];
  if (reason.trim().length < MINIMUM_REASON_LENGTH) {
    throw new Error(
      `${scope.node.path}: the acknowledgement of ${id} needs a specific reason, got ${JSON.stringify(reason)}`,
    );
  }
  const resources = scope.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === resourceType);
  if (resources.length === 0) {
    throw new Error(`${scope.node.path}: nothing to acknowledge ${id} on: it has no ${resourceType}`);
  }
  const text = `[${id}] ${reason}`;
  for (const resource of resources) {
    Validations.of(resource).acknowledge({ id: `${CFN_GUARD_PLUGIN_NAME}::${rule}`, reason: text });
    const metadata = (resource.getMetadata(GUARD_METADATA_KEY) as GuardMetadata | undefined) ?? {
      SuppressedRules: [],
      Reasons: {},
    };
    resource.addMetadata(GUARD_METADATA_KEY, {
      SuppressedRules: [...new Set([...metadata.SuppressedRules, rule])],
      Reasons: { ...metadata.Reasons, [rule]: text },
    } satisfies GuardMetadata);
  }
  return resources;
}
