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
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Stage',
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
  'AWS::CloudWatch::Dashboard',
  'AWS::ApiGateway::Account',
  'AWS::ApiGateway::DocumentationPart',
  'AWS::ApiGateway::DocumentationVersion',
  'AWS::Lambda::Version',
  'AWS::Lambda::EventInvokeConfig',
];

/** Why a resource type the local API does not emulate matters, for the start-up listing. */
const REASONS: Readonly<Record<string, string>> = {
  'AWS::ApiGateway::Authorizer': 'authorizers are not run locally: methods that use one are not protected',
  'AWS::ApiGateway::ApiKey': 'API keys are not checked locally',
  'AWS::ApiGateway::UsagePlan': 'usage plans (quotas and their throttling) are not applied locally',
  'AWS::ApiGateway::UsagePlanKey': 'usage plans (quotas and their throttling) are not applied locally',
  'AWS::ApiGateway::GatewayResponse':
    'custom gateway responses are not applied: gateway errors answer with the default responses',
  'AWS::ApiGateway::DomainName': 'custom domain names are not served: use the stage URLs on the local host',
  'AWS::ApiGateway::DomainNameV2': 'custom domain names are not served: use the stage URLs on the local host',
  'AWS::ApiGateway::BasePathMapping': 'base path mappings of custom domains are not served',
  'AWS::ApiGateway::BasePathMappingV2': 'base path mappings of custom domains are not served',
  'AWS::ApiGateway::VpcLink': 'VPC links are not emulated',
  'AWS::ApiGateway::ClientCertificate': 'client certificates for backend calls are not emulated',
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
  const logKeys = logEncryptionKeys(template);
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const type = resource.Type;
    if (SERVED_RESOURCE_TYPES.includes(type) || IGNORED_RESOURCE_TYPES.includes(type) || logKeys.has(logicalId)) {
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
 * The KMS keys that only log groups use (as their `KmsKeyId`): encryption at rest of logs, which the local API writes
 * nowhere, so they change nothing about a request. A key anything else references (a function's environment, a
 * policy, an output) may be called by a function and stays listed.
 */
function logEncryptionKeys(template: CfnTemplate): Set<string> {
  const referencedBy = new Map<string, Set<string>>();
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
      }
      visit(inner, from);
    }
  };
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    visit(resource, resource.Type === 'AWS::Logs::LogGroup' ? 'log group' : logicalId);
  }
  visit(template.Outputs, '(outputs)');
  return new Set(
    Object.entries(template.Resources)
      .filter(([logicalId, resource]) => {
        const users = referencedBy.get(logicalId);
        return resource.Type === 'AWS::KMS::Key' && users !== undefined && [...users].every((u) => u === 'log group');
      })
      .map(([logicalId]) => logicalId),
  );
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
