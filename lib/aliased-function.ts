import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { VersionSelector } from './config';
import { esbuildCode } from './esbuild-code';
import { pascalCase } from './naming';

/** Properties of an {@link AliasedFunction}. */
export interface AliasedFunctionProps {
  /**
   * Path of the handler's entry file, which exports `handler`.
   */
  readonly entry: string;

  /**
   * The aliases to create, by alias name, each with the version it serves.
   *
   * `'latest'` serves the version this synth publishes (`currentVersion`), so the alias follows every code or
   * configuration change. A number pins the alias to that version, which must already exist in the account and
   * region, or be the version this first deployment publishes.
   */
  readonly aliases: Readonly<Record<string, VersionSelector>>;

  /**
   * Retention of the function's log group.
   */
  readonly logRetention: logs.RetentionDays;

  /**
   * Customer-managed key the function's log group is encrypted with; its policy must let CloudWatch Logs use it.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Memory, in MiB.
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * Run time limit of one invocation; keep it below API Gateway's 29 s integration timeout.
   *
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;

  /**
   * Description of the function, shown in the Lambda console.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * Environment variables of the function, beside `NODE_OPTIONS`. Never put secrets here: they show in the console
   * and the template.
   *
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;

  /**
   * Directory esbuild resolves modules from; the bundle's source map names its sources relative to it.
   *
   * @default - the directory above `lib/`
   */
  readonly projectRoot?: string;
}

/**
 * A Node.js function bundled by esbuild in the synth's own process (see {@link esbuildCode}), which publishes a version whenever its code or configuration
 * changes and exposes one alias per release channel (stage or canary), each on its own configured version.
 *
 * Published versions are retained when they leave the template, so a pinned alias keeps working after later
 * deployments, and a rollback can pin an older version again.
 */
export class AliasedFunction extends Construct {
  /** The function itself. */
  public readonly function: lambda.Function;
  /** The function's log group, in Lambda's JSON log format. */
  public readonly logGroup: logs.LogGroup;
  /** The version this synth publishes; aliases on `'latest'` serve it. */
  public readonly currentVersion: lambda.Version;

  private readonly aliasByName: ReadonlyMap<string, lambda.Alias>;

  constructor(scope: Construct, id: string, props: AliasedFunctionProps) {
    super(scope, id);
    const projectRoot = props.projectRoot ?? path.join(__dirname, '..');

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
    });

    // our own role with write access to our own log group, instead of the managed AWSLambdaBasicExecutionRole
    const role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${id} function`,
    });
    this.logGroup.grantWrite(role);

    this.function = new lambda.Function(this, 'Resource', {
      code: esbuildCode({ entry: props.entry, projectRoot, target: 'node24', externalModules: ['@aws-sdk/*'] }),
      handler: 'index.handler',
      // a fixed runtime, so that a CDK upgrade never changes it (and publishes new versions) unseen
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      description: props.description,
      role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
    });
    this.currentVersion = this.function.currentVersion;

    // 'latest' aliases first: the pinned ones wait for one of them (see createAlias)
    const entries = Object.entries(props.aliases);
    const created = new Map<string, lambda.Alias>();
    for (const [aliasName, selector] of [
      ...entries.filter(([, v]) => v === 'latest'),
      ...entries.filter(([, v]) => v !== 'latest'),
    ]) {
      created.set(aliasName, this.createAlias(aliasName, selector, [...created.values()]));
    }
    this.aliasByName = new Map(entries.map(([name]) => [name, created.get(name)!]));
  }

  /** The names of this function's aliases. */
  public get aliasNames(): string[] {
    return [...this.aliasByName.keys()];
  }

  /**
   * The alias with this name.
   *
   * @throws if the function has no such alias
   */
  public alias(name: string): lambda.Alias {
    const alias = this.aliasByName.get(name);
    if (!alias) {
      throw new Error(`${this.node.path} has no alias ${JSON.stringify(name)}; it has ${this.aliasNames.join(', ')}`);
    }
    return alias;
  }

  private createAlias(aliasName: string, selector: VersionSelector, created: lambda.Alias[]): lambda.Alias {
    const id = `${pascalCase(aliasName)}Alias`;
    const version =
      selector === 'latest'
        ? this.currentVersion
        : lambda.Version.fromVersionAttributes(this, `${pascalCase(aliasName)}PinnedVersion`, {
            lambda: this.function,
            version: String(selector),
          });
    const alias = new lambda.Alias(this, id, {
      aliasName,
      version,
      description: selector === 'latest' ? 'follows the latest published version' : `pinned to version ${selector}`,
    });
    if (selector !== 'latest') {
      // on a first deployment the pinned version must exist (as version 1) before the alias points at it. an alias
      // that follows the latest version already waits for it and keeps its logical id across code changes, so
      // waiting for that alias keeps code changes out of the pinned alias's template; without one, wait for the
      // version itself. only the alias resource waits, not the permissions added under it.
      const anchor = created.find((a) => a.version === this.currentVersion);
      (alias.node.defaultChild as lambda.CfnAlias).addResourceDependency(
        (anchor ?? this.currentVersion).node.defaultChild as lambda.CfnAlias | lambda.CfnVersion,
      );
    }
    return alias;
  }
}
