import type { SSMClient } from '@aws-sdk/client-ssm';

/** A source of the JWT secret that fetches it once per warm process. */
export type SecretSource = () => Promise<string>;

/**
 * Caches what `fetch` gives for the life of the process; a failed fetch is not cached, so the next invocation tries
 * again. A rotated secret reaches a process when Lambda starts a new one (a deployment, or after idling).
 */
export function cachedSecret(fetch: () => Promise<string>): SecretSource {
  let secret: Promise<string> | undefined;
  return () => {
    secret ??= fetch().catch((error: unknown) => {
      secret = undefined;
      throw error;
    });
    return secret;
  };
}

/** The SecureString parameter's decrypted value. */
export async function fetchParameter(client: SSMClient, name: string): Promise<string> {
  const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const { Parameter } = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  const value = Parameter?.Value;
  if (value === undefined || value === '') throw new Error(`SSM parameter ${name} has no value`);
  return value;
}

/**
 * Where the secret comes from: on AWS, the SSM parameter named by `JWT_SECRET_PARAMETER`; under the local API
 * (`npm start`), which has no SSM, the `LOCAL_API_JWT_SECRET` value it sets for this function and nothing else does.
 */
export function secretSourceFromEnvironment(env: NodeJS.ProcessEnv): SecretSource {
  const local = env.LOCAL_API_JWT_SECRET;
  if (local !== undefined && local !== '') return () => Promise.resolve(local);
  const name = env.JWT_SECRET_PARAMETER;
  // the function exists in every environment, configured or not: an unconfigured one fails its invocations, not its load
  if (name === undefined || name === '') return () => Promise.reject(new Error('JWT_SECRET_PARAMETER is not set'));
  // loaded on first use: under the local API the SDK is never needed (its store may lie where no node_modules
  // holds the runtime's SDK), and on AWS the runtime provides it
  let client: SSMClient | undefined;
  return cachedSecret(async () => {
    const { SSMClient: Client } = await import('@aws-sdk/client-ssm');
    client ??= new Client({});
    return fetchParameter(client, name);
  });
}
