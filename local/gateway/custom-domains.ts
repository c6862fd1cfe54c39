import type { ApiStage, CustomDomain } from '../model';
import { resolveStage } from './router';

/** How a request to a custom domain reaches a stage. */
export interface DomainMatch {
  readonly stage: ApiStage;
  /** The raw path after the base path (and after the stage segment, for a mapping without a stage). */
  readonly rest: string;
  /**
   * The path as the client sent it (leading slashes collapsed): the proxy event's `path` and `requestContext.path`
   * through a mapping, where API Gateway leaves the base path in.
   */
  readonly clientPath: string;
}

/**
 * The custom domain a request's `Host` names (the port and a trailing dot dropped, compared case-insensitively), or
 * `undefined` when the host is none of them and the stage comes from the first path segment, as on execute-api.
 */
export function domainOf(domains: readonly CustomDomain[], host: string | undefined): CustomDomain | undefined {
  if (host === undefined || domains.length === 0) return undefined;
  const name = host.replace(/:\d*$/, '').replace(/\.$/, '').toLowerCase();
  return domains.find((domain) => domain.name === name);
}

/**
 * Routes a request path on a custom domain through its base path mappings: the longest base path that is the path's
 * first segments wins, and the `(none)` mapping takes whatever no other mapping does.
 *
 * @returns `undefined` when no mapping takes the path, or the stage it names does not exist
 */
export function resolveDomainPath(
  domain: CustomDomain,
  stages: readonly ApiStage[],
  rawPath: string,
): DomainMatch | undefined {
  // compared as sent, not percent-decoded: how AWS matches an encoded base path is not recorded
  const path = rawPath.replace(/^\/+/, '');
  const clientPath = `/${path}`;
  for (const mapping of domain.mappings) {
    let rest: string;
    if (mapping.basePath === '') rest = clientPath;
    else if (path === mapping.basePath) rest = '';
    else if (path.startsWith(`${mapping.basePath}/`)) rest = path.slice(mapping.basePath.length);
    else continue;
    if (mapping.stageName === undefined) {
      const named = resolveStage(stages, rest);
      return named && { stage: named.stage, rest: named.rest, clientPath };
    }
    const stage = stages.find((s) => s.name === mapping.stageName);
    return stage && { stage, rest, clientPath };
  }
  return undefined;
}
