import type { IConstruct } from 'constructs';
import type { App, IPolicyValidationPlugin } from 'aws-cdk-lib';
import { CfnResource, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { startingFirst } from './background-validation';
import { CloudFormationValidation } from './cloudformation-validation';
import { ControlTowerGuard } from './control-tower-guard';

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

/** Options of {@link addPolicyValidation}. */
export interface PolicyValidationOptions {
  /**
   * Whether aws-cdk-lib's built-in CloudFormation validation runs too, in a worker thread ({@link
   * CloudFormationValidation}) beside the other plugins. The app must be created with
   * `builtinCloudFormationValidation: false`, which turns off the built-in copy that would run in the synth's thread.
   *
   * @default false
   */
  readonly cloudFormationValidation?: boolean;
}

/**
 * Registers the policy-validation plugins every synth of the app runs, each failing the synth on an unacknowledged
 * finding: cdk-nag's AwsSolutions pack and cfn-guard with AWS Control Tower's proactive controls (the rules and the
 * cfn-guard binary ship in `@cdklabs/cdk-validator-cfnguard`); and, if asked, the built-in CloudFormation
 * validation.
 *
 * CDK runs plugins one after another. Here cdk-nag runs in the synth's thread while cfn-guard and the CloudFormation
 * validation, started as it begins, run in the background on the other core; each is collected after it. Register
 * them before constructing the stacks: the CloudFormation validation's engine starts at once.
 */
export function addPolicyValidation(app: App, options: PolicyValidationOptions = {}): void {
  const { cdkNag, cfnGuard } = policyValidationPlugins(app);
  const background = options.cloudFormationValidation ? [new CloudFormationValidation(), cfnGuard] : [cfnGuard];
  // collected shortest first: the CloudFormation validation takes the longest
  Validations.of(app).addPlugins(startingFirst(cdkNag, background), ...[...background].reverse());
}

/** The plugins {@link addPolicyValidation} registers, by name: for a benchmark that times each on its own. */
export function policyValidationPlugins(app: App): { cdkNag: IPolicyValidationPlugin; cfnGuard: ControlTowerGuard } {
  return { cdkNag: new AwsSolutionsChecks(app, { verbose: true }), cfnGuard: new ControlTowerGuard() };
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
