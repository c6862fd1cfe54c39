import type { LambdaPermission, LocalEnvironment } from '../model';
import { isInEnvironment, LATEST, parseFunctionReference } from './target';

/** The principal API Gateway invokes functions as. */
export const API_GATEWAY_PRINCIPAL = 'apigateway.amazonaws.com';

/** One invocation, as a function's resource policy sees it. */
export interface InvokeAuthorization {
  readonly functionName: string;
  /** The qualifier as invoked (alias, version number or `$LATEST`); absent for the unqualified function. */
  readonly qualifier?: string;
  /** The calling method's execute-api ARN. */
  readonly sourceArn: string;
}

/**
 * The permission that lets API Gateway invoke this function from this source ARN, or `undefined` if none does.
 *
 * Evaluated as Lambda evaluates its resource-based policies:
 * - a permission belongs to the exact qualifier it was added on: one on the unqualified function (or `$LATEST`)
 *   covers only unqualified and `$LATEST` invocations, one on alias `beta` covers `:beta` only, not the version
 *   behind it, and one on version `1` covers `:1` only;
 * - its principal is `apigateway.amazonaws.com` or `*`, its action `lambda:InvokeFunction`, `lambda:*` or `*`
 *   (IAM action names are case-insensitive);
 * - its `SourceArn`, if any, matches with `ArnLike` semantics (see {@link arnLike});
 * - its `SourceAccount`, if any, is the account of the source ARN.
 */
export function findGrantingPermission(
  permissions: readonly LambdaPermission[],
  request: InvokeAuthorization,
  environment: LocalEnvironment,
): LambdaPermission | undefined {
  return permissions.find((permission) => grants(permission, request, environment));
}

function grants(permission: LambdaPermission, request: InvokeAuthorization, environment: LocalEnvironment): boolean {
  const reference = parseFunctionReference(permission.functionName);
  return (
    reference !== undefined &&
    isInEnvironment(reference, environment) &&
    reference.functionName === request.functionName &&
    policyQualifier(reference.qualifier) === policyQualifier(request.qualifier) &&
    (permission.principal === API_GATEWAY_PRINCIPAL || permission.principal === '*') &&
    allowsInvoke(permission.action) &&
    (permission.sourceArn === undefined || arnLike(permission.sourceArn, request.sourceArn)) &&
    (permission.sourceAccount === undefined || permission.sourceAccount === arnSegments(request.sourceArn)?.[4])
  );
}

// the unqualified function and $LATEST share one policy
function policyQualifier(qualifier: string | undefined): string {
  return qualifier ?? LATEST;
}

function allowsInvoke(action: string): boolean {
  const normalized = action.toLowerCase();
  return normalized === 'lambda:invokefunction' || normalized === 'lambda:*' || normalized === '*';
}

/**
 * IAM's `ArnLike` condition operator: the six colon-separated segments of the ARN (the last one keeps any further
 * colons) are matched one by one, case-sensitively, `*` matching any run of characters and `?` any one character
 * within its segment. A pattern with fewer than six segments matches nothing.
 */
export function arnLike(pattern: string, arn: string): boolean {
  const patternSegments = arnSegments(pattern);
  const arnSegmentsOfValue = arnSegments(arn);
  if (patternSegments === undefined || arnSegmentsOfValue === undefined) {
    return false;
  }
  return patternSegments.every((segment, index) => globMatch(segment, arnSegmentsOfValue[index] ?? ''));
}

function arnSegments(arn: string): readonly string[] | undefined {
  const parts = arn.split(':');
  return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function globMatch(pattern: string, value: string): boolean {
  const source = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

/**
 * Lambda's refusal, with what a developer needs to fix it: the function, the qualifier and the source ARN that no
 * `AWS::Lambda::Permission` allows.
 */
export function accessDeniedMessage(request: InvokeAuthorization, invokedFunctionArn: string): string {
  const qualifier = request.qualifier === undefined ? 'the unqualified function' : `qualifier ${request.qualifier}`;
  return (
    `${API_GATEWAY_PRINCIPAL} is not authorized to perform lambda:InvokeFunction on ${invokedFunctionArn}: ` +
    `no AWS::Lambda::Permission on ${request.functionName} (${qualifier}) allows source ${request.sourceArn}`
  );
}
