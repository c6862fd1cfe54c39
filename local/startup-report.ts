import { LOCAL_JWT_SECRET, LOCAL_JWT_SECRET_VARIABLE } from '../common/local-jwt-secret';
import { userPoolIdentity } from '../common/local-user-pool';
import { planCache } from './gateway/stage-cache';
import type { ApiDefinition, ApiMethod, ApiResource, ApiStage, LambdaFunction, Unsupported } from './model';

/** What `loadApi` gives, as far as the report needs it. */
export interface ApiReport {
  readonly api: ApiDefinition;
  readonly unsupported: readonly Unsupported[];
  readonly warnings: readonly string[];
  /** Resource types ignored on purpose because they change no answer, with how many of each. */
  readonly ignored?: ReadonlyMap<string, number>;
}

/** One method of the API. */
export interface Route {
  readonly method: string;
  /** Resource path, e.g. `/api/faq/{id}`. */
  readonly path: string;
}

/** What one stage (or its canary) invokes for one function. */
export interface StageTarget {
  /** Short name of the function: its construct id, e.g. `hello` for `Stack/Hello/Resource`. */
  readonly function: string;
  /** The qualifier the stage's integration URIs resolve to, e.g. `beta`; `$LATEST` when unqualified. */
  readonly qualifier: string;
  /** What that qualifier runs, e.g. `version 2`, or why it cannot run. */
  readonly runs: string;
}

/**
 * The lines `npm start` prints once the API is loaded: the stack, every stage's routes as full URLs, the version
 * each alias serves per stage (and canary), what was ignored and every warning.
 *
 * @param baseUrl e.g. `http://127.0.0.1:3000`
 */
export function describeApi(report: ApiReport, baseUrl: string): string[] {
  const { api } = report;
  const routes = listRoutes(api.root);
  const width = Math.max(0, ...routes.map((r) => r.method.length)) + 1;
  const lines = [`stack ${api.stackName}: REST API ${api.apiName} (local id ${api.restApiId})`];
  for (const stage of api.stages) {
    lines.push(`stage ${stage.name}:`);
    for (const route of routes) {
      lines.push(`  ${route.method.padEnd(width)}${baseUrl}/${stage.name}${route.path === '/' ? '' : route.path}`);
    }
    lines.push(...describeStageCache(api, stage, baseUrl));
  }
  if (routes.length === 0) {
    lines.push('no routes: the API has no methods');
  }
  lines.push(...describeApiKeys(api), ...describeAuthorizers(api), ...describeCustomDomains(api, baseUrl));
  lines.push('versions:');
  for (const stage of api.stages) {
    lines.push(`  ${stage.name}: ${formatTargets(stageTargets(api, stage.variables))}`);
    if (stage.canary !== undefined) {
      const variables = { ...stage.variables, ...stage.canary.stageVariableOverrides };
      lines.push(
        `  ${stage.name} canary ${stage.canary.percentTraffic}%: ${formatTargets(stageTargets(api, variables))}`,
      );
    }
  }
  if (report.ignored !== undefined && report.ignored.size > 0) {
    const counted = [...report.ignored].map(([type, count]) => (count > 1 ? `${type} ×${count}` : type));
    lines.push(`ignored (they change no answer): ${counted.join(', ')}`);
  }
  if (report.unsupported.length > 0) {
    lines.push('not served (ignored):');
    for (const u of report.unsupported) {
      lines.push(`  ${u.logicalId} (${u.type}): ${u.reason}`);
    }
  }
  for (const warning of report.warnings) {
    lines.push(`warning: ${warning}`);
  }
  return lines;
}

/**
 * What changed between two loads of the API, for `--watch`: aliases now on another version, functions that
 * published a new version, routes added or removed. One line each; empty when nothing a client would notice changed.
 */
export function describeChanges(before: ApiDefinition, after: ApiDefinition): string[] {
  const lines: string[] = [];
  const old = new Map(before.functions.map((f) => [f.logicalId, f]));
  for (const fn of after.functions) {
    const label = functionLabel(fn, after.stackName);
    const previous = old.get(fn.logicalId);
    if (previous === undefined) {
      lines.push(`${label}: new function, version ${fn.currentVersion}`);
      continue;
    }
    const aliases = new Map(previous.aliases.map((a) => [a.name, a.functionVersion]));
    const moved = fn.aliases.filter((a) => aliases.get(a.name) !== a.functionVersion);
    for (const alias of moved) {
      lines.push(`${label} ${alias.name} → ${versionText(alias.functionVersion)}`);
    }
    if (moved.length === 0 && fn.currentVersion !== previous.currentVersion) {
      lines.push(`${label}: published version ${fn.currentVersion} (no alias on it)`);
    }
  }
  const key = (r: Route) => `${r.method} ${r.path}`;
  const beforeRoutes = new Set(listRoutes(before.root).map(key));
  const afterRoutes = new Set(listRoutes(after.root).map(key));
  for (const route of afterRoutes) {
    if (!beforeRoutes.has(route)) {
      lines.push(`route added: ${route}`);
    }
  }
  for (const route of beforeRoutes) {
    if (!afterRoutes.has(route)) {
      lines.push(`route removed: ${route}`);
    }
  }
  return lines;
}

/**
 * The API keys a caller can send (`x-api-key`) with their local values, the routes that require one, and the plans
 * (with their stages) each key is in; nothing when no route requires a key and the stack has no key.
 */
export function describeApiKeys(api: ApiDefinition): string[] {
  const keyed = routesWhere(api.root, (method) => method.apiKeyRequired);
  const keys = api.apiKeys ?? [];
  if (keyed.length === 0 && keys.length === 0) return [];
  const source =
    api.apiKeySource === 'AUTHORIZER'
      ? "the authorizer's usageIdentifierKey (ApiKeySourceType AUTHORIZER)"
      : 'header x-api-key';
  const lines = [`API keys (${source}; required by ${keyed.join(', ') || 'no route'}):`];
  for (const key of keys) {
    const plans = (api.usagePlans ?? [])
      .filter((plan) => plan.apiKeyIds.includes(key.id))
      .map((plan) => `${plan.name} (${plan.stages.map((s) => s.stage).join(', ')})`);
    const state = key.enabled ? '' : ', disabled: refused';
    const origin = key.valueFromTemplate
      ? 'its value from the template'
      : 'a local value; on AWS, API Gateway generates it';
    lines.push(
      `  ${key.name}: ${key.value} (${origin}${state}; plans: ${plans.join(', ') || 'none: refused everywhere'})`,
    );
  }
  if (keys.length === 0) lines.push('  none: every call to those routes answers 403');
  return lines;
}

/**
 * The authorizers routes use: type, identity source, result TTL and routes, and how to get a token the local one
 * accepts (a Lambda authorizer's function gets the local JWT secret; a user pool authorizer takes tokens signed with
 * the local user pool secret); nothing when no route uses one.
 */
export function describeAuthorizers(api: ApiDefinition): string[] {
  const lines: string[] = [];
  for (const authorizer of api.authorizers?.values() ?? []) {
    const userPools = authorizer.type === 'COGNITO_USER_POOLS';
    const routes = routesWhere(
      api.root,
      (method) =>
        method.authorizationType === (userPools ? 'COGNITO_USER_POOLS' : 'CUSTOM') &&
        method.authorizerId === authorizer.id,
    );
    if (routes.length === 0) continue;
    const ttl = authorizer.authorizerResultTtlInSeconds ?? 300;
    lines.push(
      `authorizer ${authorizer.name} (${authorizer.type}, identity ${authorizer.identitySource ?? 'none'}, ` +
        `results cached ${ttl === 0 ? 'never' : `${ttl} s`}; required by ${routes.join(', ')}):`,
    );
    if (!userPools) {
      lines.push(
        `  its function gets ${LOCAL_JWT_SECRET_VARIABLE}=${LOCAL_JWT_SECRET}; a token: npm run token -- --sub alice, ` +
          `sent as Authorization: Bearer <token>`,
      );
      continue;
    }
    const pool = userPoolIdentity(authorizer.providerArns[0] ?? '')?.id ?? '<pool id>';
    lines.push(
      `  user pools ${authorizer.providerArns.join(', ')}: their real (RS256) tokens cannot be checked offline; ` +
        `an ID token: npm run token -- --user-pool ${pool} --sub alice, sent as Authorization: <token>`,
    );
    for (const { route, method } of methodsWhere(api.root, (m) => m.authorizerId === authorizer.id)) {
      const scopes = method.authorizationScopes ?? [];
      if (scopes.length === 0) continue;
      lines.push(
        `  ${route} takes access tokens with one of the scopes ${scopes.join(', ')}: add --scope ${scopes[0]}`,
      );
    }
  }
  return lines;
}

/** `METHOD /path` of every method the predicate picks, in tree order. */
function routesWhere(root: ApiResource, pick: (method: ApiMethod) => boolean): string[] {
  return methodsWhere(root, pick).map(({ route }) => route);
}

/** Every method the predicate picks, with its `METHOD /path`, in tree order. */
function methodsWhere(
  root: ApiResource,
  pick: (method: ApiMethod) => boolean,
): { readonly route: string; readonly method: ApiMethod }[] {
  const picked: { route: string; method: ApiMethod }[] = [];
  const visit = (resource: ApiResource) => {
    for (const [verb, method] of resource.methods)
      if (pick(method)) picked.push({ route: `${verb} ${resource.path}`, method });
    resource.children.forEach(visit);
  };
  visit(root);
  return picked;
}

/**
 * The custom domains the local API answers by `Host` header, each base path with its stage, and a curl that calls
 * the first mapping; nothing when the stack has none.
 */
export function describeCustomDomains(api: ApiDefinition, baseUrl: string): string[] {
  const domains = api.domains ?? [];
  if (domains.length === 0) return [];
  const lines = ['custom domains (send the name in the Host header; DNS and TLS are not emulated):'];
  for (const domain of domains) {
    const mappings = domain.mappings.map(
      (m) =>
        `/${m.basePath} → ${m.stageName === undefined ? 'the stage named next in the path' : `stage ${m.stageName}`}`,
    );
    lines.push(`  ${domain.name}: ${mappings.join(', ') || 'no base path maps this API (every request answers 403)'}`);
  }
  // a GET without parameters makes a curl that answers as is
  const example = listRoutes(api.root).find((r) => r.method === 'GET' && !r.path.includes('{'));
  const domain = domains[0]!;
  const mapping = domain.mappings.find((m) => m.stageName !== undefined);
  if (example !== undefined && mapping !== undefined) {
    const path = `${mapping.basePath === '' ? '' : `/${mapping.basePath}`}${example.path === '/' ? '' : example.path}`;
    lines.push(`  e.g. curl -H 'Host: ${domain.name}' ${baseUrl}${path || '/'}`);
  }
  return lines;
}

/**
 * A stage's cache: its size, each cached method with its TTL and key, whether the canary uses it, and how to flush
 * it; nothing for a stage without a cache cluster.
 */
export function describeStageCache(api: ApiDefinition, stage: ApiStage, baseUrl: string): string[] {
  if (stage.cacheClusterSize === undefined) return [];
  const cached: string[] = [];
  const visit = (resource: ApiResource) => {
    for (const [verb, method] of resource.methods) {
      const plan = planCache({
        stage,
        isCanaryRequest: false,
        method,
        httpMethod: verb === 'ANY' ? 'GET' : verb,
        pathParameters: {},
        query: { single: new Map(), multi: new Map() },
        headers: [],
      });
      if (plan === undefined) continue;
      const key = (method.integration.cacheKeyParameters ?? []).map((p) => p.replace(/^method\.request\./, ''));
      cached.push(`${verb} ${resource.path} (${plan.ttlSeconds} s${key.length > 0 ? `, key ${key.join(' ')}` : ''})`);
    }
    resource.children.forEach(visit);
  };
  visit(api.root);
  const canary =
    stage.canary === undefined ? '' : stage.canary.useStageCache ? '; the canary uses it' : '; the canary bypasses it';
  return [
    `  cache ${stage.cacheClusterSize} GB: ${cached.join(', ') || 'no method cached'}${canary}; ` +
      `flush: POST ${baseUrl}/_local/cache/flush?stage=${stage.name}`,
  ];
}

/** Every method of the resource tree, by path then method. */
export function listRoutes(root: ApiResource): Route[] {
  const routes: Route[] = [];
  const visit = (resource: ApiResource) => {
    for (const method of resource.methods.keys()) {
      routes.push({ method, path: resource.path });
    }
    resource.children.forEach(visit);
  };
  visit(root);
  return routes.sort((a, b) => (a.path === b.path ? a.method.localeCompare(b.method) : a.path < b.path ? -1 : 1));
}

/**
 * The functions a stage's Lambda integrations and authorizers invoke with these stage variables, and what each runs.
 * Integration URIs name `arn:…:function:<name>[:<qualifier>]` (or just the name) between `functions/` and
 * `/invocations`, with `${stageVariables.x}` resolved per request.
 */
export function stageTargets(api: ApiDefinition, variables: ApiStage['variables']): StageTarget[] {
  const seen = new Map<string, StageTarget>();
  const add = (uri: string | undefined) => {
    const match = uri === undefined ? null : /\/functions\/(.+)\/invocations$/.exec(uri);
    if (match === null) return;
    const target = resolveTarget(api, substitute(match[1]!, variables));
    seen.set(`${target.function}:${target.qualifier}`, target);
  };
  const visit = (resource: ApiResource) => {
    for (const method of resource.methods.values()) {
      add(method.integration.uri);
      if (method.authorizationType === 'CUSTOM' && method.authorizerId !== undefined) {
        add(api.authorizers?.get(method.authorizerId)?.authorizerUri);
      }
    }
    resource.children.forEach(visit);
  };
  visit(api.root);
  // in the template's order of functions, whatever the order of routes
  const order = new Map(api.functions.map((f, i) => [functionLabel(f, api.stackName), i]));
  return [...seen.values()].sort(
    (a, b) => (order.get(a.function) ?? order.size) - (order.get(b.function) ?? order.size),
  );
}

/** `hello` for a function at `ServerlessApi-default/Hello/Resource`: what the project calls it in its config. */
export function functionLabel(fn: LambdaFunction, stackName: string): string {
  const segments = (fn.constructPath ?? '').split('/').filter((s) => s !== '' && s !== 'Resource');
  if (segments[0] === stackName) {
    segments.shift();
  }
  const name = segments.length > 0 ? segments.join('/') : fn.logicalId.replace(/[0-9A-F]{8}$/, '');
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function resolveTarget(api: ApiDefinition, reference: string): StageTarget {
  // arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>], or <name>[:<qualifier>]
  const parts = reference.split(':');
  const [name, qualifier] = parts[0] === 'arn' ? [parts[6] ?? '', parts[7]] : [parts[0] ?? '', parts[1]];
  const fn = api.functions.find((f) => f.functionName === name);
  if (fn === undefined) {
    return { function: name, qualifier: qualifier ?? '$LATEST', runs: 'no such function in the stack' };
  }
  const label = functionLabel(fn, api.stackName);
  if (qualifier === undefined || qualifier === '' || qualifier === '$LATEST') {
    return { function: label, qualifier: qualifier || '$LATEST', runs: '$LATEST' };
  }
  if (/^\d+$/.test(qualifier)) {
    return { function: label, qualifier, runs: versionRuns(fn, Number(qualifier)) };
  }
  const alias = fn.aliases.find((a) => a.name === qualifier);
  if (alias === undefined) {
    return { function: label, qualifier, runs: 'no such alias' };
  }
  return {
    function: label,
    qualifier,
    runs: alias.functionVersion === '$LATEST' ? '$LATEST' : versionRuns(fn, alias.functionVersion),
  };
}

function versionRuns(fn: LambdaFunction, version: number): string {
  return fn.versions.has(version) ? `version ${version}` : `version ${version} (not published locally: answers 500)`;
}

function versionText(version: number | '$LATEST'): string {
  return version === '$LATEST' ? '$LATEST' : `version ${version}`;
}

function formatTargets(targets: readonly StageTarget[]): string {
  if (targets.length === 0) {
    return 'no Lambda integrations';
  }
  return targets.map((t) => `${t.function} → ${t.qualifier} → ${t.runs}`).join(', ');
}

function substitute(text: string, variables: ApiStage['variables']): string {
  return text.replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_, name: string) => variables[name] ?? '');
}
