import type { ClaimValue, VerifiedToken } from './token';

/** What a Lambda authorizer answers API Gateway with (the REQUEST and TOKEN types share it). */
export interface AuthorizerResult {
  readonly principalId: string;
  readonly policyDocument: {
    readonly Version: '2012-10-17';
    readonly Statement: readonly [
      { readonly Action: 'execute-api:Invoke'; readonly Effect: 'Allow'; readonly Resource: string },
    ];
  };
  readonly context: Readonly<Record<string, ClaimValue>>;
}

/**
 * Allows the token's subject every method of the stage the request came to.
 *
 * API Gateway caches the result by the `Authorization` value for the authorizer's TTL and applies the cached policy
 * to whichever method the next request with that value calls: a policy naming only this method would deny the
 * others with a 403 until the cache expires. The stage wildcard keeps one decision valid for every route.
 *
 * @param methodArn `arn:<partition>:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path>`
 */
export function allowStage(token: VerifiedToken, methodArn: string): AuthorizerResult {
  const [prefix = '', stage = '*'] = methodArn.split('/');
  return {
    principalId: token.subject,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${prefix}/${stage}/*` }],
    },
    context: token.claims,
  };
}
