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
