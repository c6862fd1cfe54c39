import type { InvokeOutcome, InvokeRequest, LambdaInvoker, LocalEnvironment } from '../model';

/** Lambda's synchronous invocation payload limit: 6 MB. */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * Substitutes `${stageVariables.name}` references, as API Gateway does in an integration URI at request time.
 *
 * @returns the URI, or the name of the first variable the stage does not define
 */
export function substituteStageVariables(
  uri: string,
  stageVariables: Readonly<Record<string, string>>,
): { readonly uri: string } | { readonly undefinedVariable: string } {
  let undefinedVariable: string | undefined;
  const substituted = uri.replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = Object.prototype.hasOwnProperty.call(stageVariables, name) ? stageVariables[name] : undefined;
    if (value === undefined) undefinedVariable ??= name;
    return value ?? '';
  });
  return undefinedVariable === undefined ? { uri: substituted } : { undefinedVariable };
}

/**
 * The function a Lambda integration URI names:
 * `arn:<partition>:apigateway:<region>:lambda:path/2015-03-31/functions/<function>/invocations` → `<function>`.
 *
 * @returns `undefined` for a URI that does not invoke a Lambda function
 */
export function functionOfUri(uri: string): string | undefined {
  const match = /^arn:[^:]+:apigateway:[^:]*:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/.exec(uri);
  return match?.[1];
}

/** The execute-api ARN API Gateway invokes a function as: `…:<api-id>/<stage>/<METHOD>/<resource path>`. */
export function executeApiArn(
  environment: LocalEnvironment,
  apiId: string,
  stage: string,
  httpMethod: string,
  resourcePath: string,
): string {
  const { partition, region, accountId } = environment;
  const path = resourcePath.replace(/^\//, '');
  return `arn:${partition}:execute-api:${region}:${accountId}:${apiId}/${stage}/${httpMethod}/${path}`;
}

/** How an invocation ended, as the gateway sees it. */
export type InvocationResult =
  | InvokeOutcome
  /** No answer within the integration's `timeoutInMillis`; the function may still be running. */
  | { readonly kind: 'timeout' }
  /** The invoker itself failed: a bug of the local Lambda service, not a Lambda behaviour. */
  | { readonly kind: 'invoker-failed'; readonly error: unknown };

/**
 * Invokes a function, giving up after `timeoutMillis` as API Gateway does (the invocation is left to finish in the
 * background, as Lambda would keep running it). The timer does not keep the process alive.
 */
export function invokeWithTimeout(
  invoker: LambdaInvoker,
  request: InvokeRequest,
  timeoutMillis: number,
): Promise<InvocationResult> {
  // anonymous callbacks only: under tsx every named closure costs a defineProperty per request
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMillis, TIMED_OUT);
    timer.unref();
    let invocation: Promise<InvocationResult>;
    try {
      invocation = invoker.invoke(request);
    } catch (error) {
      invocation = Promise.resolve({ kind: 'invoker-failed', error });
    }
    invocation.then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ kind: 'invoker-failed', error });
      },
    );
  });
}

const TIMED_OUT: InvocationResult = Object.freeze({ kind: 'timeout' });
