import { createHash } from 'node:crypto';

const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A deterministic string of `length` characters from `alphabet`, derived from `seed`: the local stand-in for the
 * random ids AWS hands out, so the same stack always gets the same ids (and URLs, ARNs, log lines).
 */
export function deterministicId(seed: string, length: number, alphabet: string = LOWER_ALPHANUMERIC): string {
  let out = '';
  for (let block = 0; out.length < length; block++) {
    for (const byte of createHash('sha256').update(`${block}:${seed}`).digest()) {
      out += alphabet[byte % alphabet.length];
      if (out.length === length) {
        break;
      }
    }
  }
  return out;
}

/** An API Gateway id (REST API, root resource): 10 lowercase alphanumerics. */
export function apiGatewayId(stackName: string, logicalId: string, kind: string): string {
  return deterministicId(`${stackName}/${logicalId}/${kind}`, 10);
}

/** A short API Gateway id (resource, deployment, request validator): 6 lowercase alphanumerics. */
export function shortApiGatewayId(stackName: string, logicalId: string): string {
  return deterministicId(`${stackName}/${logicalId}`, 6);
}

/**
 * The physical name CloudFormation generates for a named resource left unnamed in the template:
 * `<stack name>-<logical id>-<12 alphanumerics>`, the stack and logical id shortened to fit `maxLength`.
 */
export function generatedPhysicalName(stackName: string, logicalId: string, maxLength = 64): string {
  const suffix = deterministicId(`${stackName}/${logicalId}/name`, 12, ALPHANUMERIC);
  const prefix = `${stackName}-${logicalId}`.slice(0, maxLength - suffix.length - 1);
  return `${prefix}-${suffix}`;
}

/** An IAM unique id (`AROA` + 17 characters for a role). */
export function iamUniqueId(stackName: string, logicalId: string, prefix: string): string {
  return prefix + deterministicId(`${stackName}/${logicalId}/iam`, 17, UPPER_ALPHANUMERIC);
}

/** A UUID-shaped deterministic id (the tail of a stack id). */
export function deterministicUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join('-');
}
