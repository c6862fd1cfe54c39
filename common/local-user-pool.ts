/**
 * The local stand-in for Cognito user pools. A real pool signs its tokens with RS256 keys published at a JWKS URL,
 * which the local API cannot fetch offline; so locally a user pool token is an HS256 token signed with this fixed,
 * published secret, and `npm run token -- --user-pool <id>` mints one. Such a token is worthless against AWS, where
 * API Gateway checks the pool's own keys.
 */
export const LOCAL_USER_POOL_SECRET = 'local-user-pool-secret-not-for-aws';

// <region>_<letters and digits>, e.g. eu-west-1_AbCdEf123
const USER_POOL_ID = /^([a-z]{2}(-[a-z]+)+-\d{1,2})_[0-9A-Za-z]+$/;
// arn:<partition>:cognito-idp:<region>:<account>:userpool/<pool id>
const USER_POOL_ARN = /^arn:[a-z-]+:cognito-idp:([a-z0-9-]+):\d{12}:userpool\/(.+)$/;

/** A user pool as tokens name it: its id and the `iss` claim of its tokens. */
export interface UserPoolIdentity {
  /** `eu-west-1_AbCdEf123`. */
  readonly id: string;
  /** `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123`, the `iss` of the pool's tokens. */
  readonly issuer: string;
}

/**
 * The pool a user pool id or ARN names; `undefined` when it is neither. The issuer's host is the region's Cognito
 * endpoint, as in the commercial partition (the local API does not tell partitions apart here).
 */
export function userPoolIdentity(idOrArn: string): UserPoolIdentity | undefined {
  const arn = USER_POOL_ARN.exec(idOrArn);
  const id = arn?.[2] ?? idOrArn;
  const region = USER_POOL_ID.exec(id)?.[1];
  // a pool id starts with its region, which an ARN names too
  if (region === undefined || (arn !== null && arn[1] !== region)) return undefined;
  return { id, issuer: `https://cognito-idp.${region}.amazonaws.com/${id}` };
}
