import type { ApiDefinition } from '../model';
import type { StackArtifact } from './cloud-assembly';
import { readCloudAssembly, selectStack } from './cloud-assembly';
import { IntrinsicResolver } from './intrinsics';
import type { RestApiParts } from './rest-api';
import { readRestApi } from './rest-api';

/**
 * The REST API half of an {@link ApiDefinition}: resources, methods, models, validators, authorizers and stages,
 * without the functions the local API runs. What describes the API (the OpenAPI export) needs, and no more.
 */
export type RestApiDefinition = Pick<ApiDefinition, 'stackName' | 'environment'> &
  Omit<RestApiParts, 'unsupported' | 'warnings'>;

/**
 * Reads a stack's REST API with every intrinsic resolved to the same local values {@link loadApi} gives them, but
 * without touching the local version store: nothing is published, nothing is written.
 *
 * A method whose integration names a function version (`Fn::GetAtt [<Version>, Version]`) cannot be resolved
 * without publishing, and fails as {@link loadApi} fails for a function it does not run.
 *
 * @throws LocalApiError when the stack has no REST API it can read
 */
export function readRestApiDefinition(stack: StackArtifact): RestApiDefinition {
  const resolver = new IntrinsicResolver({
    template: stack.template,
    stackName: stack.stackName,
    environment: stack.environment,
  });
  const { unsupported: _unsupported, warnings: _warnings, ...restApi } = readRestApi(stack.template, resolver);
  return { stackName: stack.stackName, environment: stack.environment, ...restApi };
}

/**
 * {@link readRestApiDefinition} of a stack of the cloud assembly in `assemblyDir`.
 *
 * @param stackName stack name or artifact id; absent: the assembly's only stack with a REST API
 * @throws LocalApiError for a missing assembly, no such stack, or none or several with a REST API
 */
export function loadRestApiDefinition(assemblyDir: string, stackName?: string): RestApiDefinition {
  return readRestApiDefinition(selectStack(readCloudAssembly(assemblyDir), stackName));
}
