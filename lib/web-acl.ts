import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { WafConfig } from './edge-config';
import { pascalCase } from './naming';

/** Properties of a {@link StageWebAcl}. */
export interface StageWebAclProps {
  /** The rate limit and managed rule groups. */
  readonly config: WafConfig;
  /** The stages the web ACL protects, by name; each gets its own association. */
  readonly stages: Readonly<Record<string, apigw.Stage>>;
  /** Prefix of the web ACL's and its metrics' names, e.g. the API's name and environment. */
  readonly name: string;
}

/**
 * A REGIONAL WAF web ACL (AWS managed rule groups, then a per-IP rate-based rule) associated with every stage,
 * CloudWatch metrics and sampled requests on for the ACL and each rule.
 */
export class StageWebAcl extends Construct {
  /** The web ACL. */
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: StageWebAclProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const managed = props.config.managedRuleGroups.map((name, priority): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      // a managed group's own actions (block) apply: `none` keeps them
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(`${props.name}-${name}`),
    }));
    const rateLimit: wafv2.CfnWebACL.RuleProperty = {
      name: 'RateLimitPerIp',
      priority: managed.length,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: props.config.rateLimit, aggregateKeyType: 'IP' } },
      visibilityConfig: visibility(`${props.name}-RateLimitPerIp`),
    };
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: `Managed rule groups and a per-IP rate limit in front of every stage of ${props.name}`,
      rules: [...managed, rateLimit],
      visibilityConfig: visibility(props.name),
    });
    for (const [stageName, stage] of Object.entries(props.stages)) {
      const association = new wafv2.CfnWebACLAssociation(this, `${pascalCase(stageName)}Association`, {
        resourceArn: stage.stageArn,
        webAclArn: this.webAcl.attrArn,
      });
      // WAF refuses an association with a stage that does not exist yet; explicit, should stageArn stop naming it
      association.node.addDependency(stage);
    }
  }
}
