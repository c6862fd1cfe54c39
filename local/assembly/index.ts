import * as path from 'node:path';
import { VersionStore } from '../versions/version-store';
import type { LoadedApi } from './api-definition';
import { buildApiDefinition } from './api-definition';
import { readCloudAssembly, selectStack } from './cloud-assembly';

export type { LoadedApi } from './api-definition';
export { buildApiDefinition } from './api-definition';
export type { CloudAssembly, StackArtifact } from './cloud-assembly';
export { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, localEnvironment, readCloudAssembly, selectStack } from './cloud-assembly';
export { displayName } from './functions';
export { IntrinsicError, IntrinsicResolver, SUPPORTED_INTRINSICS } from './intrinsics';
export { IGNORED_RESOURCE_TYPES, SERVED_RESOURCE_TYPES } from './unsupported';
export type { RestApiDefinition } from './rest-api-definition';
export { loadRestApiDefinition, readRestApiDefinition } from './rest-api-definition';

/** What {@link loadApi} reads, and where it keeps local versions. */
export interface LoadApiOptions {
  /** The cloud assembly folder (`cdk.out`), as the user named it. */
  readonly assemblyDir: string;
  /** The stack to serve (stack name or artifact id); absent: the assembly's only stack with a REST API. */
  readonly stackName?: string;
  /** The local version store folder (`.local-api`). */
  readonly storeDir: string;
}

/**
 * Reads a cloud assembly and builds the {@link ApiDefinition} the local API serves, publishing each function's current
 * bundle to the local version store on the way (see {@link buildApiDefinition}).
 *
 * @throws LocalApiError, in one line, when there is nothing it can serve: no assembly, no such stack, no REST API,
 *   an intrinsic it cannot resolve, a corrupt version store
 */
export async function loadApi(options: LoadApiOptions): Promise<LoadedApi> {
  const stack = selectStack(readCloudAssembly(options.assemblyDir), options.stackName);
  return buildApiDefinition({
    stack,
    store: new VersionStore(options.storeDir),
    storeLabel: storeLabel(options.storeDir),
  });
}

/** The store as messages name it: relative to the working folder when inside it (`.local-api`), else absolute. */
function storeLabel(storeDir: string): string {
  const relative = path.relative(process.cwd(), path.resolve(storeDir));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
    ? relative
    : path.resolve(storeDir);
}
