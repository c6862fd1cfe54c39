import type { RestApiDefinition } from '../local/assembly';
import { LocalApiError } from '../local/errors';
import type { OpenApiDocument } from './export';
import { exportStage, stageNames } from './export';

/**
 * The document the typed client's types come from: the OpenAPI 3.0 export of the API's first stage. Every stage
 * serves the same resources and methods (one template), so the types hold for each; only `servers` differ, and the
 * client takes the stage as an argument.
 *
 * @throws LocalApiError when the API has no stage
 */
export function clientDocument(api: RestApiDefinition): OpenApiDocument {
  const [first] = stageNames(api);
  if (first === undefined) {
    throw new LocalApiError(`REST API ${api.apiName} of stack ${api.stackName} has no stage to export`);
  }
  return exportStage(api, { stage: first, format: 'oas30' }).document;
}
