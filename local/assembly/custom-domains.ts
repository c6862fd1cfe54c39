import { LocalApiError } from '../errors';
import type { BasePathMapping, CustomDomain, Unsupported } from '../model';
import type { IntrinsicResolver } from './intrinsics';
import type { CfnTemplate } from './template';
import { asString } from './values';

/** The custom domains of a stack that map a base path to its served REST API. */
export interface CustomDomainParts {
  readonly domains: readonly CustomDomain[];
  readonly unsupported: readonly Unsupported[];
}

// CreateBasePathMapping: letters, digits and $-_.+!*'(); REST APIs on regional domains may nest them with '/'
const BASE_PATH_SEGMENT = "[A-Za-z0-9$\\-_.+!*'()]+";
const BASE_PATH = new RegExp(`^${BASE_PATH_SEGMENT}(/${BASE_PATH_SEGMENT})*$`);

/**
 * Reads `AWS::ApiGateway::BasePathMapping`s to the served REST API and the domain names they belong to (an
 * `AWS::ApiGateway::DomainName` of the stack, or a domain created elsewhere and named by its string); a domain of
 * the stack that maps nothing to this API is kept without mappings, so its host answers 403.
 *
 * @param stageNames the served API's stages, which a mapping's `Stage` must name
 * @throws LocalApiError on what API Gateway would refuse: a base path it does not accept, two mappings of one base
 *   path on a domain, a mapping to a stage the API does not have
 */
export function readCustomDomains(
  template: CfnTemplate,
  resolver: IntrinsicResolver,
  restApiId: string,
  stageNames: readonly string[],
): CustomDomainParts {
  const unsupported: Unsupported[] = [];
  const ofType = (type: string) =>
    Object.entries(template.Resources)
      .filter(([logicalId, resource]) => resource.Type === type && resolver.isDeployed(logicalId))
      .map(([logicalId]) => logicalId);

  const domainLogicalIds = new Map<string, string>();
  for (const logicalId of ofType('AWS::ApiGateway::DomainName')) {
    const name = asString(resolver.ref(logicalId, `${logicalId}.Ref`), `${logicalId}.Ref`).toLowerCase();
    domainLogicalIds.set(name, logicalId);
    if (resolver.property(logicalId, 'MutualTlsAuthentication') !== undefined) {
      unsupported.push({
        logicalId,
        type: 'AWS::ApiGateway::DomainName',
        reason: 'its mutual TLS is not checked: the local API speaks plain HTTP and asks no client certificate',
      });
    }
  }

  const byDomain = new Map<string, BasePathMapping[]>();
  for (const logicalId of ofType('AWS::ApiGateway::BasePathMapping')) {
    const at = (property: string) => `${logicalId}.Properties.${property}`;
    if (asString(resolver.property(logicalId, 'RestApiId'), at('RestApiId')) !== restApiId) continue;
    const domainName = asString(resolver.property(logicalId, 'DomainName'), at('DomainName')).toLowerCase();
    const mapping = readMapping(logicalId, resolver, stageNames);
    const mappings = byDomain.get(domainName) ?? [];
    const other = mappings.find((m) => m.basePath === mapping.basePath);
    if (other !== undefined) {
      throw new LocalApiError(
        `${logicalId} maps base path ${show(mapping.basePath)} of ${domainName}, which ${other.logicalId} already maps: API Gateway holds one mapping per base path`,
      );
    }
    byDomain.set(domainName, [...mappings, mapping]);
  }

  // a domain of the stack with no mapping to this API still names its host: such requests never reach the API
  for (const name of domainLogicalIds.keys()) if (!byDomain.has(name)) byDomain.set(name, []);
  const domains = [...byDomain].map(([name, mappings]) => ({
    logicalId: domainLogicalIds.get(name) ?? mappings[0]?.logicalId ?? name,
    name,
    // the longest base path that prefixes a request wins: try them longest first
    mappings: [...mappings].sort((a, b) => b.basePath.length - a.basePath.length),
  }));
  return { domains, unsupported };
}

function readMapping(logicalId: string, resolver: IntrinsicResolver, stageNames: readonly string[]): BasePathMapping {
  const at = (property: string) => `${logicalId}.Properties.${property}`;
  const raw = resolver.property(logicalId, 'BasePath');
  const written = raw === undefined ? '' : asString(raw, at('BasePath'));
  // the console and the CLI write the empty mapping as "(none)"
  const basePath = written === '(none)' ? '' : written;
  if (basePath !== '' && !BASE_PATH.test(basePath)) {
    throw new LocalApiError(
      `${at('BasePath')} must be letters, digits and $-_.+!*'() in segments joined by '/', without a leading or trailing '/', got ${show(basePath)}`,
    );
  }
  const stageName = resolver.stringProperty(logicalId, 'Stage');
  if (stageName !== undefined && !stageNames.includes(stageName)) {
    throw new LocalApiError(
      `${at('Stage')} names stage ${stageName}, which the API does not have (it has ${stageNames.join(', ') || 'none'})`,
    );
  }
  return { logicalId, basePath, ...(stageName !== undefined && { stageName }) };
}

function show(basePath: string): string {
  return basePath === '' ? '(none)' : JSON.stringify(basePath);
}
