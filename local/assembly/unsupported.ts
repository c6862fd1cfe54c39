import type { Unsupported } from '../model';
import type { IntrinsicResolver } from './intrinsics';
import type { CfnTemplate } from './template';

/** The resource types the local API serves requests from. */
export const SERVED_RESOURCE_TYPES: readonly string[] = [
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Model',
  'AWS::ApiGateway::RequestValidator',
  'AWS::ApiGateway::GatewayResponse',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::ApiKey',
  'AWS::ApiGateway::UsagePlan',
  'AWS::ApiGateway::UsagePlanKey',
  'AWS::ApiGateway::DomainName',
  'AWS::ApiGateway::BasePathMapping',
  'AWS::ApiGateway::Authorizer',
  'AWS::Lambda::Function',
  'AWS::Lambda::Alias',
  'AWS::Lambda::Permission',
];

/**
 * Resource types the local API ignores on purpose, because they change nothing about how a request is answered:
 * identity and logging plumbing, monitoring, documentation. (`AWS::Lambda::Version` publishes nothing locally: the
 * local version store does, and a version's `Ref`/`Fn::GetAtt` resolve to the store's current version.)
 */
export const IGNORED_RESOURCE_TYPES: readonly string[] = [
  'AWS::CDK::Metadata',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::RolePolicy',
  'AWS::Logs::LogGroup',
  'AWS::Logs::LogStream',
  'AWS::Logs::MetricFilter',
  'AWS::Logs::ResourcePolicy',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::CompositeAlarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::ApiGateway::Account',
  'AWS::ApiGateway::DocumentationPart',
  'AWS::ApiGateway::DocumentationVersion',
  'AWS::Lambda::Version',
  'AWS::Lambda::EventInvokeConfig',
];

/** Why a resource type the local API does not emulate matters, for the start-up listing. */
const REASONS: Readonly<Record<string, string>> = {
  'AWS::ApiGateway::DomainNameV2': 'private custom domain names are not served: use the stage URLs on the local host',
  'AWS::ApiGateway::BasePathMappingV2': 'base path mappings of private custom domains are not served',
  'AWS::Route53::RecordSet': "DNS records are not served: send a custom domain's name in the Host header instead",
  'AWS::ApiGateway::VpcLink': 'VPC links are not emulated',
  'AWS::ApiGateway::ClientCertificate': 'client certificates for backend calls are not emulated',
  'AWS::WAFv2::WebACL':
    'the WAF web ACL is not applied: no managed rule or rate-based rule blocks a local request (stage throttling is)',
  'AWS::WAFv2::WebACLAssociation': 'the WAF web ACL is not applied to the local stages',
  'AWS::Lambda::LayerVersion': 'layers are not mounted locally',
  'AWS::Lambda::Url': 'function URLs are not served locally',
  'AWS::Lambda::EventSourceMapping': 'event source mappings do not trigger functions locally',
};

/**
 * Every resource of the template the local API neither serves nor deliberately ignores, with what that means for
 * requests; and a `Transform`, which it does not expand.
 */
export function unsupportedResources(template: CfnTemplate, resolver: IntrinsicResolver): Unsupported[] {
  const unsupported: Unsupported[] = [];
  if (template.Transform !== undefined) {
    unsupported.push({
      logicalId: '(template)',
      type: 'Transform',
      reason: `the template's Transform (${JSON.stringify(template.Transform)}) is not expanded locally`,
    });
  }
  const monitoringOnly = monitoringOnlyResources(template);
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const type = resource.Type;
    if (
      SERVED_RESOURCE_TYPES.includes(type) ||
      IGNORED_RESOURCE_TYPES.includes(type) ||
      monitoringOnly.has(logicalId)
    ) {
      continue;
    }
    if (!resolver.isDeployed(logicalId)) {
      continue;
    }
    unsupported.push({ logicalId, type, reason: reasonFor(type) });
  }
  return unsupported;
}

/**
 * The resources that only logs and alarms use, which the local API has neither of: an SNS topic that only alarms
 * notify (with its topic policy and subscriptions), and a KMS key that only log groups (as their `KmsKeyId`) and such
 * topics are encrypted with. They change nothing about a request. A topic or key anything else references (a
 * function's environment, a role's policy) may be called by a function and stays listed; so does one nothing uses.
 */
const ALARM_TYPES: readonly string[] = ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'];
const TOPIC_PART_TYPES: readonly string[] = ['AWS::SNS::TopicPolicy', 'AWS::SNS::Subscription'];

function monitoringOnlyResources(template: CfnTemplate): Set<string> {
  const resources = template.Resources;
  const referencedBy = new Map<string, Set<string>>();
  const references = new Map<string, Set<string>>();
  const visit = (value: unknown, from: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, from);
      return;
    }
    if (value === null || typeof value !== 'object') {
      return;
    }
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      const targets =
        key === 'Ref' && typeof inner === 'string'
          ? [inner]
          : key === 'Fn::GetAtt'
            ? [Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]!]
            : key === 'Fn::Sub'
              ? [...String(Array.isArray(inner) ? inner[0] : inner).matchAll(/\$\{([^.}!]+)/g)].map((m) => m[1]!)
              : [];
      for (const target of targets) {
        referencedBy.set(target, (referencedBy.get(target) ?? new Set()).add(from));
        references.set(from, (references.get(from) ?? new Set()).add(target));
      }
      visit(inner, from);
    }
  };
  // outputs are not visited: an output naming a topic or key shows a value and calls nothing
  for (const [logicalId, resource] of Object.entries(resources)) visit(resource, logicalId);
  const typeOf = (logicalId: string) => resources[logicalId]?.Type;
  const usedOnlyBy = (logicalId: string, allowed: (user: string) => boolean): boolean => {
    const users = referencedBy.get(logicalId);
    return users !== undefined && [...users].every(allowed);
  };
  const isAlarm = (id: string) => ALARM_TYPES.includes(typeOf(id) ?? '');
  const isTopicPart = (id: string) => TOPIC_PART_TYPES.includes(typeOf(id) ?? '');
  const alarmTopics = new Set(
    Object.keys(resources).filter(
      (id) =>
        typeOf(id) === 'AWS::SNS::Topic' &&
        [...(referencedBy.get(id) ?? [])].some(isAlarm) &&
        usedOnlyBy(id, (user) => isAlarm(user) || isTopicPart(user)),
    ),
  );
  const ofAlarmTopicsOnly = (id: string) => {
    // pseudo parameters (AWS::AccountId) and parameters are no resources
    const targets = [...(references.get(id) ?? [])].filter((target) => typeOf(target) !== undefined);
    return isTopicPart(id) && targets.length > 0 && targets.every((target) => alarmTopics.has(target));
  };
  const keys = Object.keys(resources).filter(
    (id) =>
      typeOf(id) === 'AWS::KMS::Key' &&
      usedOnlyBy(id, (user) => typeOf(user) === 'AWS::Logs::LogGroup' || alarmTopics.has(user)),
  );
  return new Set([...alarmTopics, ...Object.keys(resources).filter(ofAlarmTopicsOnly), ...keys]);
}

function reasonFor(type: string): string {
  const known = REASONS[type];
  if (known !== undefined) {
    return known;
  }
  if (type.startsWith('AWS::ApiGatewayV2::')) {
    return 'HTTP and WebSocket APIs are not served locally';
  }
  if (type.startsWith('AWS::Serverless::')) {
    return 'SAM resources are not expanded locally';
  }
  return 'not emulated locally: functions calling it reach no local equivalent';
}
