import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalApiError } from '../errors';
import type { FunctionCode, LambdaAlias, LambdaFunction, LambdaPermission, Unsupported } from '../model';
import type { FunctionConfiguration } from '../versions/bundle-hash';
import type { FunctionVersions, VersionStore } from '../versions/version-store';
import type { IntrinsicResolver } from './intrinsics';
import type { CfnTemplate } from './template';
import { isRecord } from './template';
import { asNumber, asString, asStringMap } from './values';

/** Lambda's defaults for a function that leaves them out. */
const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_SIZE_MB = 128;
const NODE_RUNTIME = /^nodejs\d+\.x$/;

/** A function of the template the local API can run: its configuration and the bundle folder in the assembly. */
export interface FunctionSource {
  readonly logicalId: string;
  readonly constructPath?: string;
  readonly functionName: string;
  readonly arn: string;
  readonly codeDirectory: string;
  readonly configuration: FunctionConfiguration;
}

/** The template's functions, split into those the local API runs and those it cannot. */
export interface FunctionSources {
  readonly runnable: readonly FunctionSource[];
  readonly unsupported: readonly Unsupported[];
}

/**
 * Reads every `AWS::Lambda::Function` of the template: handler, runtime, timeout, memory, environment and the asset
 * folder of its code. Functions the local API cannot run (inline or container code, code outside the assembly,
 * runtimes other than Node.js) are listed as unsupported instead; properties it ignores are listed too.
 *
 * @param assemblyDir the folder the template's `aws:asset:path` metadata is relative to
 * @throws LocalApiError when a function's asset folder is missing
 */
export function readFunctionSources(
  template: CfnTemplate,
  resolver: IntrinsicResolver,
  assemblyDir: string,
): FunctionSources {
  const runnable: FunctionSource[] = [];
  const unsupported: Unsupported[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function' || !resolver.isDeployed(logicalId)) {
      continue;
    }
    const refuse = (reason: string) => unsupported.push({ logicalId, type: resource.Type, reason });
    const properties = resource.Properties ?? {};
    const code = isRecord(properties.Code) ? properties.Code : {};
    const assetPath = resource.Metadata?.['aws:asset:path'];
    const runtime = resolver.stringProperty(logicalId, 'Runtime');
    if (properties.PackageType === 'Image' || code.ImageUri !== undefined) {
      refuse('container image functions do not run locally');
      continue;
    }
    if (code.ZipFile !== undefined) {
      refuse('inline code (Code.ZipFile) does not run locally: use a code asset');
      continue;
    }
    if (typeof assetPath !== 'string') {
      refuse('its code is not an asset of the cloud assembly (no aws:asset:path metadata), so there is no local copy');
      continue;
    }
    if (runtime === undefined || !NODE_RUNTIME.test(runtime)) {
      refuse(`runtime ${runtime ?? '(none)'} has no local equivalent: only Node.js runtimes (nodejsNN.x) run locally`);
      continue;
    }
    const codeDirectory = path.resolve(assemblyDir, assetPath);
    if (!fs.existsSync(codeDirectory)) {
      throw new LocalApiError(
        `The code of ${logicalId} is missing from the cloud assembly (no ${codeDirectory}): synthesize again`,
      );
    }
    if (!fs.statSync(codeDirectory).isDirectory()) {
      refuse(`its code asset ${assetPath} is an archive, which the local API does not unpack: use a folder asset`);
      continue;
    }
    for (const [property, reason] of IGNORED_FUNCTION_PROPERTIES) {
      if (properties[property] !== undefined) {
        refuse(reason);
      }
    }
    const handler = resolver.stringProperty(logicalId, 'Handler');
    if (handler === undefined) {
      refuse('it names no Handler');
      continue;
    }
    const at = (property: string) => `${logicalId}.Properties.${property}`;
    const functionName = asString(resolver.ref(logicalId, at('FunctionName')), at('FunctionName'));
    const constructPath = resource.Metadata?.['aws:cdk:path'];
    runnable.push({
      logicalId,
      ...(typeof constructPath === 'string' ? { constructPath } : {}),
      functionName,
      arn: asString(resolver.getAtt(logicalId, 'Arn', at('Arn')), at('Arn')),
      codeDirectory,
      configuration: {
        handler,
        runtime,
        timeoutSeconds: asNumber(resolver.property(logicalId, 'Timeout'), at('Timeout')) ?? DEFAULT_TIMEOUT_SECONDS,
        memorySizeMb: asNumber(resolver.property(logicalId, 'MemorySize'), at('MemorySize')) ?? DEFAULT_MEMORY_SIZE_MB,
        environment: asStringMap(resolver.property(logicalId, 'Environment.Variables'), at('Environment.Variables')),
      },
    });
  }
  return { runnable, unsupported };
}

const IGNORED_FUNCTION_PROPERTIES: readonly (readonly [string, string])[] = [
  ['Layers', 'Layers are not mounted locally: code that imports from a layer fails to load'],
  ['VpcConfig', 'VpcConfig is ignored: the function runs on the local network'],
  ['FileSystemConfigs', 'FileSystemConfigs are ignored: no EFS file system is mounted locally'],
];

/** A function published to the local version store. */
export interface PublishedFunction {
  readonly source: FunctionSource;
  readonly currentVersion: number;
  readonly record: FunctionVersions;
}

/**
 * Builds the functions of the {@link ApiDefinition}: `$LATEST` from the assembly, every version from the store, and
 * the aliases of each, their `FunctionVersion` resolved (a version number, `$LATEST`, or `Fn::GetAtt Version` of
 * an `AWS::Lambda::Version`, which is the current version).
 *
 * @param storeLabel how warnings name the store (the folder as the user gave it)
 * @returns the functions, alias properties the local API ignores, and a warning for each alias pinned to a version
 *   the store does not hold
 */
export function buildFunctions(options: {
  readonly template: CfnTemplate;
  readonly resolver: IntrinsicResolver;
  readonly published: readonly PublishedFunction[];
  readonly store: VersionStore;
  readonly stackName: string;
  readonly storeLabel: string;
}): { functions: LambdaFunction[]; unsupported: Unsupported[]; warnings: string[] } {
  const { template, resolver, store, stackName } = options;
  const unsupported: Unsupported[] = [];
  const warnings: string[] = [];
  const aliases = new Map<string, LambdaAlias[]>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Alias' || !resolver.isDeployed(logicalId)) {
      continue;
    }
    const at = (property: string) => `${logicalId}.Properties.${property}`;
    const functionLogicalId = resolver.lambdaFunctionOf(resource.Properties?.FunctionName, at('FunctionName'));
    const target = options.published.find((fn) => fn.source.logicalId === functionLogicalId);
    if (target === undefined) {
      continue;
    }
    const name = asString(resolver.property(logicalId, 'Name'), at('Name'));
    const functionVersion = parseFunctionVersion(
      resolver.property(logicalId, 'FunctionVersion'),
      at('FunctionVersion'),
    );
    if (resource.Properties?.RoutingConfig !== undefined) {
      unsupported.push({
        logicalId,
        type: resource.Type,
        reason: `RoutingConfig is ignored: alias ${name} always runs version ${functionVersion}`,
      });
    }
    if (functionVersion !== '$LATEST' && !target.record.versions.some((v) => v.version === functionVersion)) {
      warnings.push(
        `${displayName(target.source, stackName)} alias ${name} is pinned to version ${functionVersion}, which is not in ` +
          `the local version store (${options.storeLabel}): requests routed to it answer 500 as a missing function would`,
      );
    }
    const list = aliases.get(target.source.logicalId) ?? [];
    list.push({
      logicalId,
      name,
      functionVersion,
      arn: asString(resolver.ref(logicalId, at('Ref')), at('Ref')),
    });
    aliases.set(target.source.logicalId, list);
  }
  const functions = options.published.map(({ source, currentVersion, record }): LambdaFunction => {
    const latest: FunctionCode = {
      codeDirectory: source.codeDirectory,
      sha256: record.versions.find((v) => v.version === currentVersion)?.sha256 ?? '',
      ...source.configuration,
    };
    const versions = new Map<number, FunctionCode>(
      record.versions.map(({ version, sha256, handler, runtime, timeoutSeconds, memorySizeMb, environment }) => [
        version,
        {
          codeDirectory: store.versionDirectory(stackName, source.logicalId, version),
          sha256,
          handler,
          runtime,
          timeoutSeconds,
          memorySizeMb,
          environment,
        },
      ]),
    );
    return {
      logicalId: source.logicalId,
      ...(source.constructPath === undefined ? {} : { constructPath: source.constructPath }),
      functionName: source.functionName,
      arn: source.arn,
      latest,
      currentVersion,
      versions,
      aliases: aliases.get(source.logicalId) ?? [],
    };
  });
  return { functions, unsupported, warnings };
}

function parseFunctionVersion(value: unknown, location: string): number | '$LATEST' {
  const text = asString(value, location);
  if (text === '$LATEST') {
    return text;
  }
  if (!/^[1-9][0-9]*$/.test(text)) {
    throw new LocalApiError(`${location} must be a version number or $LATEST, got "${text}"`);
  }
  return Number(text);
}

/**
 * Every `AWS::Lambda::Permission` of the template, resolved: `FunctionName` as written (a name, an ARN, qualified
 * or not), so the local Lambda service can match it against the ARN it is invoked by.
 */
export function readPermissions(template: CfnTemplate, resolver: IntrinsicResolver): LambdaPermission[] {
  return Object.entries(template.Resources)
    .filter(([logicalId, resource]) => resource.Type === 'AWS::Lambda::Permission' && resolver.isDeployed(logicalId))
    .map(([logicalId]) => {
      const at = (property: string) => `${logicalId}.Properties.${property}`;
      const sourceArn = resolver.property(logicalId, 'SourceArn');
      const sourceAccount = resolver.property(logicalId, 'SourceAccount');
      return {
        logicalId,
        functionName: asString(resolver.property(logicalId, 'FunctionName'), at('FunctionName')),
        action: asString(resolver.property(logicalId, 'Action'), at('Action')),
        principal: asString(resolver.property(logicalId, 'Principal'), at('Principal')),
        ...(sourceArn === undefined ? {} : { sourceArn: asString(sourceArn, at('SourceArn')) }),
        ...(sourceAccount === undefined ? {} : { sourceAccount: asString(sourceAccount, at('SourceAccount')) }),
      };
    });
}

/**
 * How messages name a function: its construct path inside the stack without the trailing `Resource` ids, then its
 * logical id (`Hello (HelloAD23A60E)`).
 */
export function displayName(fn: { logicalId: string; constructPath?: string }, stackName: string): string {
  const segments = (fn.constructPath ?? '').split('/').filter((segment) => segment !== '');
  if (segments[0] === stackName) {
    segments.shift();
  }
  while (segments.at(-1) === 'Resource') {
    segments.pop();
  }
  return segments.length === 0 ? fn.logicalId : `${segments.join('/')} (${fn.logicalId})`;
}
