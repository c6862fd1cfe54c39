import type { ApiDefinition, Unsupported } from '../model';
import type { VersionStore } from '../versions/version-store';
import { authorizerFunctionIds, withLocalSecret } from './authorizers';
import type { StackArtifact } from './cloud-assembly';
import type { PublishedFunction } from './functions';
import { buildFunctions, readFunctionSources, readPermissions } from './functions';
import { IntrinsicResolver } from './intrinsics';
import { readRestApi } from './rest-api';
import { readCustomDomains } from './custom-domains';
import { readUsagePlans } from './usage-plans';
import { unsupportedResources } from './unsupported';

/** An {@link ApiDefinition} with what the local API cannot serve and what the user should know at start-up. */
export interface LoadedApi {
  readonly api: ApiDefinition;
  /** Resources and properties of the template that are not emulated, one entry each. */
  readonly unsupported: Unsupported[];
  /** One line each, naming the thing (e.g. an alias pinned to a version the local store does not hold). */
  readonly warnings: string[];
}

/** The stack {@link buildApiDefinition} reads and the version store it publishes to. */
export interface BuildApiDefinitionOptions {
  readonly stack: StackArtifact;
  readonly store: VersionStore;
  /** How messages name the store (the folder as the user gave it, e.g. `.local-api`). */
  readonly storeLabel: string;
}

/**
 * Builds the {@link ApiDefinition} of a stack: publishes the current bundle of each function it can run to the local
 * version store, then reads the REST API, the functions with their versions and aliases, and the permissions, every
 * intrinsic resolved to the same local values.
 *
 * @throws LocalApiError when the stack cannot be served at all
 */
export async function buildApiDefinition(options: BuildApiDefinitionOptions): Promise<LoadedApi> {
  const { stack, store } = options;
  const { template, stackName, environment } = stack;
  const currentVersions = new Map<string, number>();
  const resolver = new IntrinsicResolver({
    template,
    stackName,
    environment,
    currentVersion: (functionLogicalId) => currentVersions.get(functionLogicalId),
  });
  const sources = readFunctionSources(template, resolver, stack.assemblyDir);
  const published: PublishedFunction[] = [];
  const authorizerFunctions = authorizerFunctionIds(template);
  // one at a time: publishing copies bundles, and the machine the local API runs on is often small
  for (const source of sources.runnable.map((s) => withLocalSecret(s, authorizerFunctions))) {
    const result = await store.publish(stackName, {
      logicalId: source.logicalId,
      functionName: source.functionName,
      ...(source.constructPath === undefined ? {} : { constructPath: source.constructPath }),
      codeDirectory: source.codeDirectory,
      configuration: source.configuration,
    });
    currentVersions.set(source.logicalId, result.version);
    published.push({ source, currentVersion: result.version, record: result.versions });
  }
  // after publishing: a method may name a function version, which resolves to the store's current version
  const restApi = readRestApi(template, resolver);
  const usage = readUsagePlans(template, resolver, restApi.restApiId);
  const custom = readCustomDomains(
    template,
    resolver,
    restApi.restApiId,
    restApi.stages.map((s) => s.name),
  );
  const functions = buildFunctions({
    template,
    resolver,
    published,
    store,
    stackName,
    storeLabel: options.storeLabel,
  });
  return {
    api: {
      stackName,
      environment,
      restApiLogicalId: restApi.restApiLogicalId,
      restApiId: restApi.restApiId,
      apiName: restApi.apiName,
      binaryMediaTypes: restApi.binaryMediaTypes,
      root: restApi.root,
      models: restApi.models,
      validators: restApi.validators,
      authorizers: restApi.authorizers,
      gatewayResponses: restApi.gatewayResponses,
      stages: restApi.stages,
      apiKeys: usage.apiKeys,
      ...(restApi.apiKeySource !== undefined && { apiKeySource: restApi.apiKeySource }),
      usagePlans: usage.usagePlans,
      domains: custom.domains,
      functions: functions.functions,
      permissions: readPermissions(template, resolver),
    },
    unsupported: [
      ...unsupportedResources(template, resolver),
      ...restApi.unsupported,
      ...usage.unsupported,
      ...custom.unsupported,
      ...sources.unsupported,
      ...functions.unsupported,
    ],
    warnings: [...restApi.warnings, ...functions.warnings],
  };
}
