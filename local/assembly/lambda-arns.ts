import type { LocalEnvironment } from '../model';

/** A Lambda function identifier taken apart: its name and, if it has one, its qualifier (version or alias). */
export interface FunctionIdentifier {
  readonly name: string;
  readonly qualifier?: string;
}

/**
 * Takes apart any of the forms Lambda accepts for `FunctionName`: a name (`my-function`), a name with a qualifier
 * (`my-function:v1`), a partial ARN (`123456789012:function:my-function`) or an ARN, each with or without a
 * qualifier.
 */
export function parseFunctionIdentifier(identifier: string): FunctionIdentifier {
  const parts = identifier.split(':');
  let rest: string[];
  if (parts[0] === 'arn' && parts[2] === 'lambda' && parts[5] === 'function') {
    rest = parts.slice(6);
  } else if (parts[1] === 'function' && parts.length >= 3) {
    rest = parts.slice(2);
  } else {
    rest = parts;
  }
  const [name = '', qualifier] = rest;
  return qualifier === undefined ? { name } : { name, qualifier };
}

/** `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]` in the local environment. */
export function lambdaFunctionArn(environment: LocalEnvironment, name: string, qualifier?: string): string {
  const { partition, region, accountId } = environment;
  const arn = `arn:${partition}:lambda:${region}:${accountId}:function:${name}`;
  return qualifier === undefined ? arn : `${arn}:${qualifier}`;
}
