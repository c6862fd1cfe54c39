import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import type { RouteKey } from './access-config';
import { pascalCase } from './naming';
import type { ApiKeyConfig, PlanStageConfig, UsagePlanConfig } from './usage-plan-config';

/** Properties of {@link ApiUsagePlans}. */
export interface ApiUsagePlansProps {
  /** The API the plans meter. */
  readonly api: apigw.IRestApi;
  /** Prefix of every key and plan name, e.g. `staged-serverless-api-default`. */
  readonly namePrefix: string;
  readonly apiKeys: readonly ApiKeyConfig[];
  readonly usagePlans: readonly UsagePlanConfig[];
  /** The stage with this name. */
  readonly stage: (name: string) => apigw.Stage;
  /** The method of this route. */
  readonly method: (route: RouteKey) => apigw.Method;
}

/**
 * The API keys of an environment and their usage plans: one API Gateway usage plan per configured plan and stage,
 * so each stage has its own throttle and its own quota count, and a key of the plan is refused on other stages.
 *
 * API Gateway generates every key's value: none is in the template (read it with
 * `aws apigateway get-api-key --api-key <id> --include-value`). A key is replaced only when its name changes, and its
 * name is its config id, so renaming a key in the config is what issues a new value.
 */
export class ApiUsagePlans extends Construct {
  /** The keys, by config id. */
  public readonly apiKeys: ReadonlyMap<string, apigw.ApiKey>;
  /** The usage plans, by `<plan id>/<stage>`. */
  public readonly plans: ReadonlyMap<string, apigw.UsagePlan>;

  constructor(scope: Construct, id: string, props: ApiUsagePlansProps) {
    super(scope, id);
    const apiKeys = new Map<string, apigw.ApiKey>();
    for (const key of props.apiKeys) {
      apiKeys.set(
        key.id,
        new apigw.ApiKey(this, `Key${pascalCase(key.id)}`, {
          apiKeyName: `${props.namePrefix}-${key.id}`,
          description: key.description,
          enabled: key.enabled,
        }),
      );
    }
    this.apiKeys = apiKeys;

    const plans = new Map<string, apigw.UsagePlan>();
    for (const plan of props.usagePlans) {
      for (const [stageName, settings] of Object.entries(plan.stages)) {
        const stage = props.stage(stageName);
        const usagePlan = new apigw.UsagePlan(this, `Plan${pascalCase(plan.id)}${pascalCase(stageName)}`, {
          name: `${props.namePrefix}-${plan.id}-${stageName}`,
          description: plan.description,
          throttle: settings.throttle,
          quota: settings.quota && { limit: settings.quota.limit, period: apigw.Period[settings.quota.period] },
          // the plan's Stage is a Ref to the stage resource, so CloudFormation creates the stage first (the failure
          // of aws/aws-cdk#6169, a plan naming a stage that does not exist yet); an explicit DependsOn is redundant
          apiStages: [{ api: props.api, stage, throttle: methodThrottles(settings, props.method) }],
        });
        for (const keyId of plan.apiKeys) usagePlan.addApiKey(apiKeys.get(keyId)!);
        plans.set(`${plan.id}/${stageName}`, usagePlan);
      }
    }
    this.plans = plans;
  }
}

function methodThrottles(
  settings: PlanStageConfig,
  method: (route: RouteKey) => apigw.Method,
): apigw.ThrottlingPerMethod[] | undefined {
  const entries = Object.entries(settings.methods) as [RouteKey, { rateLimit: number; burstLimit: number }][];
  if (entries.length === 0) return undefined;
  return entries.map(([route, throttle]) => ({ method: method(route), throttle }));
}
