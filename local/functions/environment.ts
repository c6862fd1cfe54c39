import * as os from 'node:os';
import * as path from 'node:path';
import type { FunctionCode, LocalEnvironment } from '../model';

/** One execution environment of one function version, as its reserved environment variables describe it. */
export interface ExecutionEnvironment {
  readonly functionName: string;
  /** `$LATEST` or the version number. */
  readonly functionVersion: string;
  readonly code: FunctionCode;
  readonly environment: LocalEnvironment;
  /** `YYYY/MM/DD/[<version>]<32 hex>`, one per execution environment. */
  readonly logStreamName: string;
  /** `HOME`: a scratch folder of this function version's own, never the developer's home. */
  readonly homeDirectory: string;
}

// a path below a file cannot exist: reading it fails with ENOTDIR whatever the function writes to its HOME
const NO_FILE = path.join(os.devNull, 'none');

// what Lambda sets but lets a function override
const OVERRIDABLE_DEFAULTS: Readonly<Record<string, string>> = {
  LANG: 'en_US.UTF-8',
  PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
};

/**
 * The complete environment of a function's process: Lambda's defaults, the function's own variables, then Lambda's
 * reserved variables and the local isolation settings, which a function cannot override.
 *
 * Nothing comes from the server's own `process.env`, so the developer's AWS credentials, profile and any other
 * variable never reach a handler. Left out on purpose: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN` (there is no execution role locally: an AWS SDK call fails for lack of credentials rather than
 * running against a real account), `AWS_LAMBDA_RUNTIME_API` (no Runtime API: the process is handed its invocations
 * directly), `_X_AMZN_TRACE_ID` (no X-Ray). `LAMBDA_TASK_ROOT` is the version's code directory, not `/var/task`.
 * The AWS SDK's other sources of credentials are closed too: `HOME` is the version's scratch folder, the shared
 * credentials and config files point at a path that cannot exist, and the instance metadata service is off.
 */
export function lambdaEnvironment(execution: ExecutionEnvironment): Record<string, string> {
  const { functionName, functionVersion, code, environment } = execution;
  return {
    ...OVERRIDABLE_DEFAULTS,
    ...code.environment,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: functionVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(code.memorySizeMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: execution.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: environment.region,
    AWS_DEFAULT_REGION: environment.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${code.runtime}`,
    LAMBDA_TASK_ROOT: code.codeDirectory,
    _HANDLER: code.handler,
    TZ: ':UTC',
    HOME: execution.homeDirectory,
    AWS_SHARED_CREDENTIALS_FILE: NO_FILE,
    AWS_CONFIG_FILE: NO_FILE,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** A log stream name as Lambda gives each execution environment: `2024/05/01/[1]0123456789abcdef...`. */
export function logStreamName(functionVersion: string, now: Date, hex32: string): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${date}/[${functionVersion}]${hex32}`;
}

/**
 * Whether the runtime is one of Lambda's Node.js runtimes before `nodejs24.x`, whose runtime interface client still
 * runs callback-style handlers and gives the context `done`/`succeed`/`fail` and `callbackWaitsForEmptyEventLoop`.
 */
export function isLegacyNodeRuntime(runtime: string): boolean {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  return major !== undefined && Number(major) < 24;
}
