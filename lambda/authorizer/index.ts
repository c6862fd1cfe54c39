import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { AuthorizerResult } from './policy';
import { allowStage } from './policy';
import { secretSourceFromEnvironment } from './secret';
import { bearerToken, verifyToken } from './token';

const secret = secretSourceFromEnvironment(process.env);

/**
 * The API's REQUEST authorizer: allows the caller whose `Authorization: Bearer <JWT>` verifies against the HS256
 * secret, and passes its `sub` as the principal and its claims as the context. A bad or missing token fails with
 * `Unauthorized` (401); a secret that cannot be read fails with a generic error (500), logged.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<AuthorizerResult> => {
  const token = bearerToken(headerValue(event.headers, 'authorization'));
  let key: string;
  try {
    key = await secret();
  } catch (error) {
    console.error({
      level: 'ERROR',
      message: 'cannot read the JWT secret',
      errorName: error instanceof Error ? error.name : typeof error,
    });
    throw new Error('Authorizer misconfigured');
  }
  return allowStage(verifyToken(token, key, Math.floor(Date.now() / 1000)), event.methodArn);
};

// header names keep the case the client sent (API Gateway normalizes only some), so look them up without case
function headerValue(headers: APIGatewayRequestAuthorizerEvent['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}
