import type { ApiDefinition, FunctionCode, LambdaFunction, LocalEnvironment } from '../model';

/** `$LATEST`: the unpublished configuration and code of a function. */
export const LATEST = '$LATEST';

/**
 * A function named the ways Lambda's `Invoke` accepts: `hello`, `hello:beta`, `123456789012:function:hello`,
 * `arn:<partition>:lambda:<region>:<account>:function:hello[:qualifier]`.
 */
export interface FunctionReference {
  readonly functionName: string;
  /** As written; absent for the unqualified function. */
  readonly qualifier?: string;
  /** Named by a full ARN only. */
  readonly partition?: string;
  /** Named by a full ARN only. */
  readonly region?: string;
  /** Named by a full or partial ARN. */
  readonly accountId?: string;
}

/** What one `Invoke` runs: the function, the version its qualifier resolves to, and that version's code. */
export interface InvokeTarget {
  readonly fn: LambdaFunction;
  /** The qualifier as invoked (an alias, a version number or `$LATEST`); absent for the unqualified function. */
  readonly qualifier?: string;
  /** What the qualifier resolves to: a published version number or `$LATEST`. */
  readonly version: number | typeof LATEST;
  readonly code: FunctionCode;
  /** The ARN as invoked, qualifier included: the handler's `context.invokedFunctionArn`. */
  readonly invokedFunctionArn: string;
}

/** The function version an invocation runs, or Lambda's not-found message. */
export type TargetResolution =
  { readonly found: true; readonly target: InvokeTarget } | { readonly found: false; readonly message: string };

// lambda's own patterns: names of letters, digits, `-` and `_`; qualifiers add `$` (for `$LATEST`)
const NAME = /^[A-Za-z0-9_-]{1,140}$/;
const QUALIFIER = /^[A-Za-z0-9$_-]{1,128}$/;
const ACCOUNT = /^\d{12}$/;
const VERSION_NUMBER = /^[1-9]\d*$/;

/** Parses a function name or ARN, as Lambda's `FunctionName` parameter accepts it; `undefined` if malformed. */
export function parseFunctionReference(value: string): FunctionReference | undefined {
  const parts = value.split(':');
  if (parts[0] === 'arn') {
    // arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]
    const [, partition, service, region, accountId, resourceType, functionName, qualifier, ...rest] = parts;
    if (service !== 'lambda' || resourceType !== 'function' || rest.length > 0) {
      return undefined;
    }
    return validReference({ functionName, qualifier, partition, region, accountId });
  }
  if (parts.length >= 3 && parts[1] === 'function') {
    // <account>:function:<name>[:<qualifier>]
    const [accountId, , functionName, qualifier, ...rest] = parts;
    return rest.length > 0 ? undefined : validReference({ functionName, qualifier, accountId });
  }
  const [functionName, qualifier, ...rest] = parts;
  return rest.length > 0 ? undefined : validReference({ functionName, qualifier });
}

function validReference(parts: {
  functionName?: string;
  qualifier?: string;
  partition?: string;
  region?: string;
  accountId?: string;
}): FunctionReference | undefined {
  const { functionName, qualifier, partition, region, accountId } = parts;
  if (functionName === undefined || !NAME.test(functionName)) {
    return undefined;
  }
  if (qualifier !== undefined && !QUALIFIER.test(qualifier)) {
    return undefined;
  }
  if (accountId !== undefined && !ACCOUNT.test(accountId)) {
    return undefined;
  }
  if (partition !== undefined && (partition === '' || region === undefined || region === '')) {
    return undefined;
  }
  return {
    functionName,
    ...(qualifier !== undefined && { qualifier }),
    ...(partition !== undefined && { partition }),
    ...(region !== undefined && { region }),
    ...(accountId !== undefined && { accountId }),
  };
}

/** Whether an ARN-form reference points into the local environment (a bare name always does). */
export function isInEnvironment(reference: FunctionReference, environment: LocalEnvironment): boolean {
  return (
    (reference.partition === undefined || reference.partition === environment.partition) &&
    (reference.region === undefined || reference.region === environment.region) &&
    (reference.accountId === undefined || reference.accountId === environment.accountId)
  );
}

/** The unqualified function ARN of a name in the local environment. */
export function functionArn(environment: LocalEnvironment, functionName: string): string {
  return `arn:${environment.partition}:lambda:${environment.region}:${environment.accountId}:function:${functionName}`;
}

/**
 * Resolves `Invoke`'s `FunctionName` the way Lambda does: the function by name, then the qualifier, an alias name
 * through its `FunctionVersion`, a number as that published version, `$LATEST` or none as the latest.
 *
 * Anything that does not resolve (an unknown function or alias, a version the local store does not hold, an ARN in
 * another partition, region or account, a malformed name) is not found, with Lambda's message.
 */
export function resolveTarget(api: Pick<ApiDefinition, 'environment' | 'functions'>, value: string): TargetResolution {
  const reference = parseFunctionReference(value);
  if (reference === undefined || !isInEnvironment(reference, api.environment)) {
    return notFound(value);
  }
  const { functionName, qualifier } = reference;
  const fn = api.functions.find((candidate) => candidate.functionName === functionName);
  const invokedFunctionArn =
    (fn?.arn ?? functionArn(api.environment, functionName)) + (qualifier === undefined ? '' : `:${qualifier}`);
  if (fn === undefined) {
    return notFound(invokedFunctionArn);
  }
  const found = (version: number | typeof LATEST, code: FunctionCode): TargetResolution => ({
    found: true,
    target: { fn, ...(qualifier !== undefined && { qualifier }), version, code, invokedFunctionArn },
  });

  if (qualifier === undefined || qualifier === LATEST) {
    return found(LATEST, fn.latest);
  }
  if (VERSION_NUMBER.test(qualifier)) {
    const version = Number(qualifier);
    const code = fn.versions.get(version);
    return code === undefined ? notFound(invokedFunctionArn) : found(version, code);
  }
  const alias = fn.aliases.find((candidate) => candidate.name === qualifier);
  if (alias === undefined) {
    return notFound(invokedFunctionArn);
  }
  if (alias.functionVersion === LATEST) {
    return found(LATEST, fn.latest);
  }
  const code = fn.versions.get(alias.functionVersion);
  if (code === undefined) {
    return notFound(
      invokedFunctionArn,
      `alias ${alias.name} points to version ${alias.functionVersion}, which the local version store does not hold`,
    );
  }
  return found(alias.functionVersion, code);
}

function notFound(arn: string, detail?: string): TargetResolution {
  return { found: false, message: `Function not found: ${arn}${detail === undefined ? '' : ` (${detail})`}` };
}
