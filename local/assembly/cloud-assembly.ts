import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalApiError } from '../errors';
import type { LocalEnvironment } from '../model';
import type { CfnTemplate } from './template';
import { asTemplate, isRecord } from './template';

/** The account the local API uses when the assembly is environment-agnostic (`unknown-account`). */
export const DEFAULT_ACCOUNT_ID = '123456789012';
/** The region the local API uses when the assembly is environment-agnostic (`unknown-region`). */
export const DEFAULT_REGION = 'us-east-1';

/** One `aws:cloudformation:stack` artifact of a cloud assembly, its template read. */
export interface StackArtifact {
  /** The artifact id in `manifest.json`. */
  readonly artifactId: string;
  /** The CloudFormation stack name (`properties.stackName`, else the artifact id): what `AWS::StackName` resolves to. */
  readonly stackName: string;
  /** The folder of the manifest listing the stack: its template and asset paths are relative to it. */
  readonly assemblyDir: string;
  /** Absolute path of the template file. */
  readonly templateFile: string;
  readonly environment: LocalEnvironment;
  readonly template: CfnTemplate;
}

/** The stacks of a cloud assembly (nested assemblies of CDK `Stage`s included). */
export interface CloudAssembly {
  /** The folder as given. */
  readonly directory: string;
  readonly stacks: readonly StackArtifact[];
}

/**
 * Reads a cloud assembly (`cdk.out`): its `manifest.json` and the template of every stack it lists.
 *
 * @param directory the assembly folder, as the user named it (it appears as given in error messages)
 * @throws LocalApiError when the folder, its manifest or a template is missing or unreadable
 */
export function readCloudAssembly(directory: string): CloudAssembly {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    const what = fs.existsSync(directory) ? 'no manifest.json' : 'no such folder';
    throw new LocalApiError(`No cloud assembly at ${directory} (${what}): run "npx cdk synth" or pass --assembly DIR`);
  }
  return { directory, stacks: readStacks(path.resolve(directory), manifestFile) };
}

function readStacks(assemblyDir: string, manifestFile: string): StackArtifact[] {
  const manifest = readJson(manifestFile, 'cloud assembly manifest');
  const artifacts = isRecord(manifest) ? manifest.artifacts : undefined;
  if (!isRecord(artifacts)) {
    throw new LocalApiError(`${manifestFile} is not a cloud assembly manifest: it has no "artifacts" object`);
  }
  const stacks: StackArtifact[] = [];
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    if (!isRecord(artifact)) {
      continue;
    }
    const properties = isRecord(artifact.properties) ? artifact.properties : {};
    if (artifact.type === 'cdk:cloud-assembly' && typeof properties.directoryName === 'string') {
      const nestedDir = path.join(assemblyDir, properties.directoryName);
      stacks.push(...readStacks(nestedDir, path.join(nestedDir, 'manifest.json')));
    }
    if (artifact.type !== 'aws:cloudformation:stack') {
      continue;
    }
    if (typeof properties.templateFile !== 'string') {
      throw new LocalApiError(`${manifestFile}: stack ${artifactId} names no templateFile`);
    }
    const templateFile = path.join(assemblyDir, properties.templateFile);
    let template: CfnTemplate;
    try {
      template = asTemplate(readJson(templateFile, `template of stack ${artifactId}`), templateFile);
    } catch (error) {
      throw error instanceof LocalApiError ? error : new LocalApiError((error as Error).message);
    }
    stacks.push({
      artifactId,
      stackName: typeof properties.stackName === 'string' ? properties.stackName : artifactId,
      assemblyDir,
      templateFile,
      environment: localEnvironment(typeof artifact.environment === 'string' ? artifact.environment : undefined),
      template,
    });
  }
  return stacks;
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new LocalApiError(
      `Cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new LocalApiError(`Cannot read the ${what} ${file}: not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Chooses the stack to serve.
 *
 * @param stackName the stack name or artifact id to serve; absent: the only stack with an `AWS::ApiGateway::RestApi`
 * @throws LocalApiError when no stack has that name, or when none or several stacks have a REST API
 */
export function selectStack(assembly: CloudAssembly, stackName?: string): StackArtifact {
  const names = assembly.stacks.map((stack) => stack.stackName);
  if (stackName !== undefined) {
    const found = assembly.stacks.find((stack) => stack.stackName === stackName || stack.artifactId === stackName);
    if (found === undefined) {
      throw new LocalApiError(
        `No stack ${stackName} in the cloud assembly at ${assembly.directory} (stacks: ${list(names)})`,
      );
    }
    return found;
  }
  const candidates = assembly.stacks.filter((stack) =>
    Object.values(stack.template.Resources).some((resource) => resource.Type === 'AWS::ApiGateway::RestApi'),
  );
  const [only, ...others] = candidates;
  if (only === undefined) {
    throw new LocalApiError(
      `No stack with an AWS::ApiGateway::RestApi in the cloud assembly at ${assembly.directory} (stacks: ${list(names)})`,
    );
  }
  if (others.length > 0) {
    throw new LocalApiError(
      `Several stacks have a REST API (${list(candidates.map((stack) => stack.stackName))}): choose one with --stack NAME`,
    );
  }
  return only;
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

/**
 * The local environment of a stack artifact's `environment` (`aws://<account>/<region>`): the unknown account and
 * region become {@link DEFAULT_ACCOUNT_ID} and {@link DEFAULT_REGION}; the partition and URL suffix follow the region.
 */
export function localEnvironment(environment: string | undefined): LocalEnvironment {
  const match = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(environment ?? '');
  const account = match?.[1];
  const region = match?.[2];
  const accountId = account === undefined || account === 'unknown-account' ? DEFAULT_ACCOUNT_ID : account;
  const resolvedRegion = region === undefined || region === 'unknown-region' ? DEFAULT_REGION : region;
  return { accountId, region: resolvedRegion, ...partitionOf(resolvedRegion) };
}

const PARTITIONS: readonly { prefix: string; partition: string; urlSuffix: string }[] = [
  { prefix: 'cn-', partition: 'aws-cn', urlSuffix: 'amazonaws.com.cn' },
  { prefix: 'us-gov-', partition: 'aws-us-gov', urlSuffix: 'amazonaws.com' },
  { prefix: 'us-isob-', partition: 'aws-iso-b', urlSuffix: 'sc2s.sgov.gov' },
  { prefix: 'us-isof-', partition: 'aws-iso-f', urlSuffix: 'csp.hci.ic.gov' },
  { prefix: 'eu-isoe-', partition: 'aws-iso-e', urlSuffix: 'cloud.adc-e.uk' },
  { prefix: 'us-iso-', partition: 'aws-iso', urlSuffix: 'c2s.ic.gov' },
];

/** The partition a region belongs to, and its URL suffix (`aws`, `amazonaws.com` for commercial regions). */
export function partitionOf(region: string): { partition: string; urlSuffix: string } {
  const known = PARTITIONS.find((entry) => region.startsWith(entry.prefix));
  return known === undefined
    ? { partition: 'aws', urlSuffix: 'amazonaws.com' }
    : { partition: known.partition, urlSuffix: known.urlSuffix };
}
