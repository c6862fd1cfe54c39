import type { ApiStage } from '../model';

export { mulberry32 } from '../random';

/** Which release of a stage serves a request. */
export interface DeploymentChoice {
  /**
   * `$context.isCanaryRequest`: whether the canary serves the request; `undefined` on a stage without a canary,
   * where AWS's value is not recorded.
   */
  readonly isCanaryRequest: boolean | undefined;
  /** The deployment serving the request: the canary's for canary requests. */
  readonly deploymentId: string;
  /** The stage variables the request sees: for canary requests, the stage's merged with the canary's overrides. */
  readonly stageVariables: Readonly<Record<string, string>>;
}

/**
 * Picks the release serving one request. API Gateway splits a stage's traffic at random per request; here a request
 * goes to the canary when `random() * 100 < percentTraffic`, so 0% never does and 100% always does, and `random`
 * is drawn only on a stage whose canary takes some traffic (a seeded sequence is not consumed by other stages).
 *
 * Canary requests see the stage's variables merged with the canary's `stageVariableOverrides` (overrides win, new
 * names are added), as recorded against AWS, not the overrides alone as a sentence of the docs suggests.
 */
export function chooseDeployment(stage: ApiStage, random: () => number): DeploymentChoice {
  const canary = stage.canary;
  if (canary === undefined) {
    return { isCanaryRequest: undefined, deploymentId: stage.deploymentId, stageVariables: stage.variables };
  }
  const isCanaryRequest = canary.percentTraffic > 0 && random() * 100 < canary.percentTraffic;
  return isCanaryRequest
    ? { isCanaryRequest, deploymentId: canary.deploymentId, stageVariables: canaryVariables(stage, canary) }
    : { isCanaryRequest, deploymentId: stage.deploymentId, stageVariables: stage.variables };
}

// one merged object per stage and canary: the same variables every canary request, and one identity that what is
// worked out from them can be remembered by
const merged = new WeakMap<ApiStage, Readonly<Record<string, string>>>();

function canaryVariables(stage: ApiStage, canary: NonNullable<ApiStage['canary']>): Readonly<Record<string, string>> {
  let variables = merged.get(stage);
  if (variables === undefined) {
    variables = Object.freeze({ ...stage.variables, ...canary.stageVariableOverrides });
    merged.set(stage, variables);
  }
  return variables;
}
