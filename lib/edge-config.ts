/**
 * The edge settings of a deployment environment (`api.environments.<env>.waf`): what sits in front of the stages.
 */

import { asObject, ConfigError, show } from './config-errors';
import { allowKeys, num } from './config-values';

/** The AWS managed rule groups a web ACL gets when its config names none. */
export const DEFAULT_MANAGED_RULE_GROUPS: readonly string[] = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
];

// wafv2 RateBasedStatement.Limit: 10 to 2,000,000,000 requests per evaluation window (5 minutes by default)
const MIN_RATE_LIMIT = 10;
const MAX_RATE_LIMIT = 2_000_000_000;
// wafv2 ManagedRuleGroupStatement.Name
const RULE_GROUP_NAME = /^[\w-]{1,128}$/;

/** A regional web ACL associated with every stage of the environment. */
export interface WafConfig {
  /** Requests one IP may send in 5 minutes before the rate-based rule blocks it (10..2,000,000,000). */
  readonly rateLimit: number;
  /** The AWS managed rule groups (vendor `AWS`) the web ACL runs, in priority order. */
  readonly managedRuleGroups: readonly string[];
}

/**
 * Parses `api.environments.<env>.waf`: `undefined` (no web ACL) when absent.
 *
 * @throws ConfigError on the first bad value
 */
export function parseWaf(raw: unknown, key: string): WafConfig | undefined {
  if (raw === undefined) return undefined;
  const o = asObject(raw, key);
  allowKeys(o, key, ['rateLimit', 'managedRuleGroups']);
  const rateLimit = num(o.rateLimit, `${key}.rateLimit`);
  if (!Number.isInteger(rateLimit) || rateLimit < MIN_RATE_LIMIT || rateLimit > MAX_RATE_LIMIT) {
    throw new ConfigError(
      `${key}.rateLimit must be an integer from ${MIN_RATE_LIMIT} to ${MAX_RATE_LIMIT} requests per IP in 5 minutes, got ${rateLimit}`,
    );
  }
  if (o.managedRuleGroups === undefined) return { rateLimit, managedRuleGroups: DEFAULT_MANAGED_RULE_GROUPS };
  const groupsKey = `${key}.managedRuleGroups`;
  const groups = o.managedRuleGroups;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new ConfigError(`${groupsKey} must be a non-empty list of AWS managed rule group names, got ${show(groups)}`);
  }
  groups.forEach((g, i) => {
    if (typeof g !== 'string' || !RULE_GROUP_NAME.test(g)) {
      throw new ConfigError(
        `${groupsKey}[${i}] must be a rule group name such as AWSManagedRulesCommonRuleSet, got ${show(g)}`,
      );
    }
  });
  if (new Set(groups).size !== groups.length) {
    throw new ConfigError(`${groupsKey} names a rule group twice: ${groups.join(', ')}`);
  }
  return { rateLimit, managedRuleGroups: groups as string[] };
}

// a DNS name as API Gateway takes it for a custom domain: lower-case labels of letters, digits and inner hyphens
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
// an ACM certificate ARN in any partition: arn:<partition>:acm:<region>:<account>:certificate/<id>
const CERTIFICATE_ARN = /^arn:aws(-[a-z]+)*:acm:([a-z]{2}(-[a-z]+)+-\d{1,2}):(\d{12}):certificate\/[0-9a-f-]{36}$/;
// Route 53 hosted zone ids: upper-case letters and digits, starting with Z
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

/** A Route 53 public hosted zone, imported, that gets the custom domain's alias record. */
export interface HostedZoneConfig {
  /** The zone's id, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly id: string;
  /** The zone's name, the custom domain itself or one of its parents, e.g. `example.com`. */
  readonly name: string;
}

/**
 * A REGIONAL custom domain name (TLS 1.2) in front of the environment's stages, each under a base path named
 * after it: `https://<name>/beta/...`, `https://<name>/v1/...`.
 */
export interface DomainConfig {
  /** The domain name clients call, e.g. `api.example.com`. */
  readonly name: string;
  /** An existing ACM certificate for the name, in the environment's region and account (imported, not created). */
  readonly certificateArn: string;
  /** The zone that gets an alias A record for the name; without one, point DNS at the domain's regional name. */
  readonly hostedZone?: HostedZoneConfig;
}

/** Where the environment is pinned; a certificate from elsewhere cannot serve a regional domain. */
export interface EnvironmentPlacement {
  readonly account?: string;
  readonly region?: string;
}

/**
 * Parses `api.environments.<env>.domain`: `undefined` (the stages' execute-api URLs only) when absent.
 *
 * @throws ConfigError on the first bad value
 */
export function parseDomain(raw: unknown, key: string, placement: EnvironmentPlacement): DomainConfig | undefined {
  if (raw === undefined) return undefined;
  const o = asObject(raw, key);
  allowKeys(o, key, ['name', 'certificateArn', 'hostedZone']);
  const name = o.name;
  if (typeof name !== 'string' || !DOMAIN_NAME.test(name)) {
    throw new ConfigError(
      `${key}.name must be a lower-case domain name such as api.example.com (no wildcard, no trailing dot), got ${show(name)}`,
    );
  }
  const certificateArn = o.certificateArn;
  const arn = typeof certificateArn === 'string' ? CERTIFICATE_ARN.exec(certificateArn) : null;
  if (!arn) {
    throw new ConfigError(
      `${key}.certificateArn must be an ACM certificate ARN (…:acm:<region>:<account>:certificate/<id>), got ${show(certificateArn)}`,
    );
  }
  const [, , certificateRegion, , certificateAccount] = arn;
  // a REGIONAL domain takes a certificate of its own region and account only (CreateDomainName regionalCertificateArn)
  if (placement.region !== undefined && certificateRegion !== placement.region) {
    throw new ConfigError(
      `${key}.certificateArn is in ${certificateRegion}, but the environment deploys to ${placement.region}: a regional custom domain needs a certificate of its own region`,
    );
  }
  if (placement.account !== undefined && certificateAccount !== placement.account) {
    throw new ConfigError(
      `${key}.certificateArn belongs to account ${certificateAccount}, but the environment deploys to ${placement.account}: API Gateway takes a certificate of its own account only`,
    );
  }
  const hostedZone = parseHostedZone(o.hostedZone, `${key}.hostedZone`, name);
  return { name, certificateArn: certificateArn as string, ...(hostedZone && { hostedZone }) };
}

function parseHostedZone(raw: unknown, key: string, domainName: string): HostedZoneConfig | undefined {
  if (raw === undefined) return undefined;
  const o = asObject(raw, key);
  allowKeys(o, key, ['id', 'name']);
  if (typeof o.id !== 'string' || !HOSTED_ZONE_ID.test(o.id)) {
    throw new ConfigError(
      `${key}.id must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, got ${show(o.id)}`,
    );
  }
  const name = o.name;
  if (typeof name !== 'string' || !DOMAIN_NAME.test(name)) {
    throw new ConfigError(
      `${key}.name must be the zone's lower-case domain name such as example.com, got ${show(name)}`,
    );
  }
  if (domainName !== name && !domainName.endsWith(`.${name}`)) {
    throw new ConfigError(`${key}.name must be ${domainName} or one of its parent domains, got ${show(name)}`);
  }
  return { id: o.id, name };
}
