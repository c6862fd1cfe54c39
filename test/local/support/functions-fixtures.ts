import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LambdaServiceOptions, LambdaService } from '../../../local/functions';
import { createLambdaService } from '../../../local/functions';
import type {
  ApiDefinition,
  FunctionCode,
  InvokeOutcome,
  LambdaFunction,
  LambdaPermission,
} from '../../../local/model';

import { API_ID, ENVIRONMENT } from './gateway-fixtures';

export { API_ID, ENVIRONMENT };

/** The execute-api ARN API Gateway invokes with: `.../<api-id>/<stage>/<METHOD>/<path without leading slash>`. */
export function sourceArn(stage = 'beta', method = 'GET', resourcePath = 'api/hello'): string {
  return `arn:aws:execute-api:us-east-1:123456789012:${API_ID}/${stage}/${method}/${resourcePath}`;
}

export function lambdaArn(functionName: string, qualifier?: string): string {
  return `arn:aws:lambda:us-east-1:123456789012:function:${functionName}${qualifier === undefined ? '' : `:${qualifier}`}`;
}

/** `index.js` source, or a bundle's files by relative path. */
export type BundleSource = string | Readonly<Record<string, string>>;

const temporaryDirectories: string[] = [];

/** Writes a bundle to a fresh temporary directory and returns its path (removed by {@link removeBundles}). */
export function writeBundle(source: BundleSource): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'local-functions-'));
  temporaryDirectories.push(directory);
  const files = typeof source === 'string' ? { 'index.js': source } : source;
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(directory, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return directory;
}

export function removeBundles(): void {
  for (const directory of temporaryDirectories.splice(0)) {
    rmSync(directory, { recursive: true, force: true });
  }
}

export interface FunctionFixture {
  readonly name: string;
  /** `aws:cdk:path` of the function, e.g. `FunctionsFixture/Hello/Resource`. */
  readonly constructPath?: string;
  /** What `$LATEST` runs. */
  readonly latest: BundleSource;
  /** Published versions by number; each keeps the configuration below. */
  readonly versions?: Readonly<Record<number, BundleSource>>;
  /** Alias name → version number or `$LATEST`. */
  readonly aliases?: Readonly<Record<string, number | '$LATEST'>>;
  readonly handler?: string;
  readonly runtime?: string;
  readonly timeoutSeconds?: number;
  readonly memorySizeMb?: number;
  readonly environment?: Readonly<Record<string, string>>;
}

/** A `LambdaFunction` as `assembly/` would build it, its bundles written to temporary directories. */
export function fixtureFunction(fixture: FunctionFixture): LambdaFunction {
  const code = (source: BundleSource, sha256: string): FunctionCode => ({
    codeDirectory: writeBundle(source),
    sha256,
    handler: fixture.handler ?? 'index.handler',
    runtime: fixture.runtime ?? 'nodejs24.x',
    timeoutSeconds: fixture.timeoutSeconds ?? 3,
    memorySizeMb: fixture.memorySizeMb ?? 128,
    environment: fixture.environment ?? {},
  });
  const versions = new Map(
    Object.entries(fixture.versions ?? {}).map(([version, source]) => [
      Number(version),
      code(source, version.padStart(64, '0')),
    ]),
  );
  const arn = lambdaArn(fixture.name);
  return {
    logicalId: `${fixture.name}Function`,
    ...(fixture.constructPath !== undefined && { constructPath: fixture.constructPath }),
    functionName: fixture.name,
    arn,
    latest: code(fixture.latest, 'f'.repeat(64)),
    currentVersion: Math.max(0, ...versions.keys()),
    versions,
    aliases: Object.entries(fixture.aliases ?? {}).map(([name, functionVersion]) => ({
      logicalId: `${fixture.name}${name}Alias`,
      name,
      functionVersion,
      arn: `${arn}:${name}`,
    })),
  };
}

/** Lets API Gateway invoke `functionName` (a name, `name:qualifier` or an ARN) from `source` (an ArnLike pattern). */
export function permission(
  functionName: string,
  source: string | undefined = `arn:aws:execute-api:us-east-1:123456789012:${API_ID}/*`,
  overrides: Partial<LambdaPermission> = {},
): LambdaPermission {
  return {
    logicalId: `Permission${functionName.replace(/[^A-Za-z0-9]/g, '')}`,
    functionName,
    action: 'lambda:InvokeFunction',
    principal: 'apigateway.amazonaws.com',
    ...(source !== undefined && { sourceArn: source }),
    ...overrides,
  };
}

/** A minimal API definition holding these functions and permissions (no routes: only `functions/` reads it). */
export function fixtureApi(
  functions: readonly LambdaFunction[],
  permissions: readonly LambdaPermission[],
): ApiDefinition {
  return {
    stackName: 'FunctionsFixture',
    environment: ENVIRONMENT,
    restApiLogicalId: 'Api',
    restApiId: API_ID,
    apiName: 'functions-fixture',
    binaryMediaTypes: [],
    root: { id: 'root', pathPart: '', path: '/', children: [], methods: new Map() },
    models: new Map(),
    validators: new Map(),
    stages: [],
    functions,
    permissions,
  };
}

/** An API with one function, invokable from anywhere in the fixture API on every qualifier it names. */
export function singleFunctionApi(fixture: FunctionFixture): ApiDefinition {
  const qualifiers = [...Object.keys(fixture.aliases ?? {}), ...Object.keys(fixture.versions ?? {})];
  return fixtureApi(
    [fixtureFunction(fixture)],
    [fixture.name, ...qualifiers.map((qualifier) => `${fixture.name}:${qualifier}`)].map((name) => permission(name)),
  );
}

/** A service under test, with the log lines it has written so far. */
export interface ServiceUnderTest {
  readonly service: LambdaService;
  readonly logs: string[];
  /** Invokes `functionArn` from the fixture API's `beta` stage. */
  readonly invoke: (functionArn: string, payload?: unknown) => Promise<InvokeOutcome>;
}

const services: LambdaService[] = [];

/** Starts a service that collects its log lines; stopped by {@link closeServices}. */
export function startService(
  api: ApiDefinition,
  options: Omit<LambdaServiceOptions, 'api' | 'log'> = {},
): ServiceUnderTest {
  const logs: string[] = [];
  const service = createLambdaService({ ...options, api, log: (line) => logs.push(line) });
  services.push(service);
  return {
    service,
    logs,
    invoke: (functionArn, payload = {}) => service.invoke({ functionArn, sourceArn: sourceArn(), payload }),
  };
}

export async function closeServices(): Promise<void> {
  await Promise.all(services.splice(0).map((service) => service.close()));
}

/** The outcome's payload, failing the test with the outcome itself when it is not a success. */
export function successPayload(outcome: InvokeOutcome): any {
  if (outcome.kind !== 'success') {
    throw new Error(`expected a success, got ${JSON.stringify(outcome)}`);
  }
  return outcome.payload;
}
