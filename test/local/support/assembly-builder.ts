import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Hand-made cloud assemblies for the local API's tests: a `manifest.json`, one template per stack and `asset.<hash>`
 * folders holding handler code, written to a temporary folder, shaped as `cdk synth` writes them.
 *
 * Two levels:
 * - {@link writeCloudAssembly} writes stacks given as raw templates (any shape, for edge cases);
 * - {@link AssemblyBuilder} builds a REST API stack the way CDK would (functions with asset code, aliases, versions,
 *   permissions, resources, methods, models, validators, one deployment and its stages), with an escape hatch for raw
 *   resources.
 *
 * @example
 * const dir = new AssemblyBuilder('Edge')
 *   .function('Echo', { files: { 'index.js': 'exports.handler = async () => ({ statusCode: 200, body: "hi" });' } })
 *   .alias('Echo', 'live', 'current')
 *   .method('GET', '/echo', { integration: lambdaProxyIntegration('Echo', '${stageVariables.alias}') })
 *   .permission('Echo', { qualifier: 'live', stage: 'dev', method: 'GET', path: '/echo' })
 *   .stage('dev', { variables: { alias: 'live' } })
 *   .write();
 * // ... serve dir ...
 * removeDirectory(dir);
 */

/** Files of a bundle or asset folder: relative POSIX path → content. */
export type BundleFiles = Readonly<Record<string, string | Buffer>>;

/** One stack of a hand-made assembly. */
export interface StackSpec {
  /** The artifact id and stack name. */
  readonly stackName: string;
  /** The CloudFormation template, written as JSON. */
  readonly template: Record<string, unknown>;
  /**
   * The artifact's `environment`.
   *
   * @default 'aws://unknown-account/unknown-region'
   */
  readonly environment?: string;
  /** Asset folders by name (`asset.<hash>`), written beside the manifest. */
  readonly assets?: Readonly<Record<string, BundleFiles>>;
}

/** A new empty folder under the system's temporary folder. */
export function temporaryDirectory(prefix = 'local-api-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Removes a folder written by this module (or any), if it exists. */
export function removeDirectory(directory: string): void {
  fs.rmSync(directory, { recursive: true, force: true });
}

/** Writes files under a folder, creating sub-folders as needed. */
export function writeFiles(directory: string, files: BundleFiles): void {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(directory, ...relative.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

/** The asset folder name CDK would give these files: `asset.<sha256 of paths and contents>`. */
export function assetFolderName(files: BundleFiles): string {
  const hash = createHash('sha256');
  for (const relative of Object.keys(files).sort()) {
    hash
      .update(`${relative}\0`)
      .update(files[relative] as string | Buffer)
      .update('\0');
  }
  return `asset.${hash.digest('hex')}`;
}

/**
 * Writes a cloud assembly holding these stacks.
 *
 * @param directory where to write it; a new temporary folder by default
 * @returns the assembly folder
 */
export function writeCloudAssembly(stacks: readonly StackSpec[], directory = temporaryDirectory()): string {
  fs.mkdirSync(directory, { recursive: true });
  const artifacts: Record<string, unknown> = {};
  for (const stack of stacks) {
    const templateFile = `${stack.stackName}.template.json`;
    fs.writeFileSync(path.join(directory, templateFile), JSON.stringify(stack.template, null, 1));
    for (const [folder, files] of Object.entries(stack.assets ?? {})) {
      writeFiles(path.join(directory, folder), files);
    }
    artifacts[stack.stackName] = {
      type: 'aws:cloudformation:stack',
      environment: stack.environment ?? 'aws://unknown-account/unknown-region',
      properties: { templateFile, validateOnSynth: false },
      displayName: stack.stackName,
    };
  }
  fs.writeFileSync(path.join(directory, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }, null, 1));
  return directory;
}

/** The integration of a Lambda proxy method, its URI built as CDK builds it, with an optional qualifier. */
export function lambdaProxyIntegration(functionLogicalId: string, qualifier?: string): Record<string, unknown> {
  return {
    Type: 'AWS_PROXY',
    IntegrationHttpMethod: 'POST',
    Uri: {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':apigateway:',
          { Ref: 'AWS::Region' },
          ':lambda:path/2015-03-31/functions/',
          { 'Fn::GetAtt': [functionLogicalId, 'Arn'] },
          qualifier === undefined ? '' : `:${qualifier}`,
          '/invocations',
        ],
      ],
    },
  };
}

/** A MOCK integration answering `statusCode` with `body` (a response template) as `application/json`. */
export function mockIntegration(statusCode: number, body?: string): Record<string, unknown> {
  return {
    Type: 'MOCK',
    RequestTemplates: { 'application/json': `{"statusCode": ${statusCode}}` },
    IntegrationResponses: [
      {
        StatusCode: String(statusCode),
        ...(body === undefined ? {} : { ResponseTemplates: { 'application/json': body } }),
      },
    ],
  };
}

export interface FunctionOptions {
  /** The bundle: `index.js` and anything it loads. */
  readonly files: BundleFiles;
  /** @default 'index.handler' */
  readonly handler?: string;
  /** @default 'nodejs20.x' */
  readonly runtime?: string;
  /** @default 3 (Lambda's default), left out of the template when not given */
  readonly timeoutSeconds?: number;
  /** @default 128 (Lambda's default), left out of the template when not given */
  readonly memorySizeMb?: number;
  readonly environment?: Readonly<Record<string, string>>;
  /** A physical name; CloudFormation generates one when absent. */
  readonly functionName?: string;
  /** More `AWS::Lambda::Function` properties, merged over the generated ones. */
  readonly properties?: Readonly<Record<string, unknown>>;
}

export interface MethodOptions {
  /** The CloudFormation `Integration` object (see {@link lambdaProxyIntegration}, {@link mockIntegration}). */
  readonly integration: Record<string, unknown>;
  /** More `AWS::ApiGateway::Method` properties (`RequestModels`, `RequestValidatorId`, `MethodResponses`...). */
  readonly properties?: Readonly<Record<string, unknown>>;
}

export interface PermissionOptions {
  /** The alias the permission is for (its `Ref` becomes the `FunctionName`); the unqualified function when absent. */
  readonly qualifier?: string;
  /** @default '*' */
  readonly stage?: string;
  /** @default '*' */
  readonly method?: string;
  /** The resource path; path parameters become `*` as CDK writes them. @default '/*' */
  readonly path?: string;
  /** The whole source after the API id, as written (e.g. `/authorizers/*`), instead of stage, method and path. */
  readonly source?: string;
  readonly logicalId?: string;
}

export interface StageOptions {
  readonly variables?: Readonly<Record<string, string>>;
  /** The CloudFormation `CanarySetting`, as written. */
  readonly canarySetting?: Readonly<Record<string, unknown>>;
  readonly accessLogFormat?: string;
  /** CloudFormation `MethodSettings`, as written. */
  readonly methodSettings?: readonly Readonly<Record<string, unknown>>[];
  readonly tracingEnabled?: boolean;
  /** Further `AWS::ApiGateway::Stage` properties, as written (e.g. `CacheClusterEnabled`). */
  readonly properties?: Readonly<Record<string, unknown>>;
}

/**
 * Builds a stack with one REST API as CDK synthesizes it. Logical ids are readable and stable: `Api`, `<Function>`,
 * `<Function>ServiceRole`, `<Function>CurrentVersion`, `<Function><Alias>Alias`, `Resource<Path><hash>`,
 * `Method<Path><hash><VERB>`, `Deployment`, `Stage<Name>`.
 */
export class AssemblyBuilder {
  readonly restApiLogicalId = 'Api';
  private readonly resources: Record<string, Record<string, unknown>> = {};
  private readonly sections: Record<string, Record<string, unknown>> = {};
  private readonly assets: Record<string, BundleFiles> = {};
  private readonly methods: string[] = [];
  private readonly stages: [string, StageOptions][] = [];
  private restApiProperties: Record<string, unknown> = { Name: 'test-api' };
  private permissionCount = 0;

  /**
   * @param stackName the stack name and artifact id
   * @param environment the artifact's environment, `aws://<account>/<region>`
   */
  constructor(
    readonly stackName = 'TestStack',
    private readonly environment = 'aws://unknown-account/unknown-region',
  ) {}

  /** Sets properties of the REST API (`Name`, `BinaryMediaTypes`...), merged over `{ Name: 'test-api' }`. */
  restApi(properties: Readonly<Record<string, unknown>>): this {
    this.restApiProperties = { ...this.restApiProperties, ...properties };
    return this;
  }

  /** Adds an `AWS::Lambda::Function` with its code as an asset folder, and its role. */
  function(logicalId: string, options: FunctionOptions): this {
    const asset = assetFolderName(options.files);
    this.assets[asset] = options.files;
    this.resources[`${logicalId}ServiceRole`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
          Version: '2012-10-17',
        },
      },
    };
    this.resources[logicalId] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: {
          S3Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' },
          S3Key: `${asset.slice('asset.'.length)}.zip`,
        },
        Handler: options.handler ?? 'index.handler',
        Role: { 'Fn::GetAtt': [`${logicalId}ServiceRole`, 'Arn'] },
        Runtime: options.runtime ?? 'nodejs20.x',
        ...(options.timeoutSeconds === undefined ? {} : { Timeout: options.timeoutSeconds }),
        ...(options.memorySizeMb === undefined ? {} : { MemorySize: options.memorySizeMb }),
        ...(options.environment === undefined ? {} : { Environment: { Variables: options.environment } }),
        ...(options.functionName === undefined ? {} : { FunctionName: options.functionName }),
        ...options.properties,
      },
      DependsOn: [`${logicalId}ServiceRole`],
      Metadata: {
        'aws:cdk:path': `${this.stackName}/${logicalId}/Resource`,
        'aws:asset:path': asset,
        'aws:asset:is-bundled': true,
        'aws:asset:property': 'Code',
      },
    };
    return this;
  }

  /** Adds (once) the `AWS::Lambda::Version` publishing a function's current code; returns its logical id. */
  version(functionLogicalId: string): string {
    const logicalId = `${functionLogicalId}CurrentVersion`;
    this.resources[logicalId] ??= {
      Type: 'AWS::Lambda::Version',
      Properties: { FunctionName: { Ref: functionLogicalId } },
      UpdateReplacePolicy: 'Retain',
      DeletionPolicy: 'Retain',
    };
    return logicalId;
  }

  /**
   * Adds an `AWS::Lambda::Alias`.
   *
   * @param version a version number, `$LATEST`, or `current` for `Fn::GetAtt [<Function>CurrentVersion, Version]`
   */
  alias(functionLogicalId: string, name: string, version: number | '$LATEST' | 'current'): this {
    const functionVersion =
      version === 'current' ? { 'Fn::GetAtt': [this.version(functionLogicalId), 'Version'] } : String(version);
    this.resources[this.aliasLogicalId(functionLogicalId, name)] = {
      Type: 'AWS::Lambda::Alias',
      Properties: { FunctionName: { Ref: functionLogicalId }, FunctionVersion: functionVersion, Name: name },
    };
    return this;
  }

  /** The logical id {@link alias} gives an alias. */
  aliasLogicalId(functionLogicalId: string, name: string): string {
    return `${functionLogicalId}${pascal(name)}Alias`;
  }

  /** Adds an `AWS::Lambda::Permission` for API Gateway to invoke a function (or one of its aliases). */
  permission(functionLogicalId: string, options: PermissionOptions = {}): this {
    const { qualifier, stage = '*', method = '*', path: resourcePath = '/*' } = options;
    const target = qualifier === undefined ? functionLogicalId : this.aliasLogicalId(functionLogicalId, qualifier);
    const logicalId = options.logicalId ?? `${functionLogicalId}Permission${++this.permissionCount}`;
    this.resources[logicalId] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: target },
        Principal: 'apigateway.amazonaws.com',
        SourceArn: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':execute-api:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':',
              { Ref: this.restApiLogicalId },
              options.source ?? `/${stage}/${method}${resourcePath.replace(/\{[^}]+\}/g, '*')}`,
            ],
          ],
        },
      },
    };
    return this;
  }

  /** Adds a method, and the resources of its path that do not exist yet. */
  method(httpMethod: string, resourcePath: string, options: MethodOptions): this {
    const resourceRef = this.resourceFor(resourcePath);
    const logicalId = this.methodLogicalId(httpMethod, resourcePath);
    this.resources[logicalId] = {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        AuthorizationType: 'NONE',
        HttpMethod: httpMethod,
        Integration: options.integration,
        ResourceId: resourceRef,
        RestApiId: { Ref: this.restApiLogicalId },
        ...options.properties,
      },
    };
    this.methods.push(logicalId);
    return this;
  }

  /** The logical id {@link method} gives a method. */
  methodLogicalId(httpMethod: string, resourcePath: string): string {
    return `Method${pathId(resourcePath)}${httpMethod.toUpperCase()}`;
  }

  /** Adds an `AWS::ApiGateway::Model` (its `Ref` is `name` when given, else a name the local API generates). */
  model(logicalId: string, schema: unknown, options: { name?: string; contentType?: string } = {}): this {
    this.resources[logicalId] = {
      Type: 'AWS::ApiGateway::Model',
      Properties: {
        ContentType: options.contentType ?? 'application/json',
        RestApiId: { Ref: this.restApiLogicalId },
        Schema: schema,
        ...(options.name === undefined ? {} : { Name: options.name }),
      },
    };
    return this;
  }

  /** Adds an `AWS::ApiGateway::RequestValidator`. */
  requestValidator(logicalId: string, options: { body?: boolean; parameters?: boolean; name?: string } = {}): this {
    this.resources[logicalId] = {
      Type: 'AWS::ApiGateway::RequestValidator',
      Properties: {
        RestApiId: { Ref: this.restApiLogicalId },
        ...(options.name === undefined ? {} : { Name: options.name }),
        ...(options.body === undefined ? {} : { ValidateRequestBody: options.body }),
        ...(options.parameters === undefined ? {} : { ValidateRequestParameters: options.parameters }),
      },
    };
    return this;
  }

  /** Adds a stage of the shared deployment (`Deployment`, created on first use). */
  stage(name: string, options: StageOptions = {}): this {
    this.stages.push([name, options]);
    return this;
  }

  /** Adds (or replaces) any resource as written: the escape hatch for edge cases. */
  resource(logicalId: string, resource: Readonly<Record<string, unknown>>): this {
    this.resources[logicalId] = { ...resource };
    return this;
  }

  /** Sets an entry of a template section (`Parameters`, `Conditions`, `Mappings`, `Outputs`). */
  section(section: 'Parameters' | 'Conditions' | 'Mappings' | 'Outputs', key: string, value: unknown): this {
    (this.sections[section] ??= {})[key] = value;
    return this;
  }

  /** The stack as written so far. */
  build(): StackSpec {
    const resources: Record<string, unknown> = {
      [this.restApiLogicalId]: { Type: 'AWS::ApiGateway::RestApi', Properties: this.restApiProperties },
      ...this.resources,
    };
    if (this.stages.length > 0) {
      resources.Deployment = {
        Type: 'AWS::ApiGateway::Deployment',
        Properties: { RestApiId: { Ref: this.restApiLogicalId } },
        DependsOn: [...this.methods],
      };
    }
    for (const [name, options] of this.stages) {
      resources[`Stage${pascal(name)}`] = {
        Type: 'AWS::ApiGateway::Stage',
        Properties: {
          RestApiId: { Ref: this.restApiLogicalId },
          DeploymentId: { Ref: 'Deployment' },
          StageName: name,
          ...(options.variables === undefined ? {} : { Variables: options.variables }),
          ...(options.canarySetting === undefined ? {} : { CanarySetting: options.canarySetting }),
          ...(options.accessLogFormat === undefined
            ? {}
            : {
                AccessLogSetting: { DestinationArn: 'arn:aws:logs:::log-group:test', Format: options.accessLogFormat },
              }),
          ...(options.methodSettings === undefined ? {} : { MethodSettings: options.methodSettings }),
          ...(options.tracingEnabled === undefined ? {} : { TracingEnabled: options.tracingEnabled }),
          ...options.properties,
        },
      };
    }
    return {
      stackName: this.stackName,
      environment: this.environment,
      template: { ...this.sections, Resources: resources },
      assets: { ...this.assets },
    };
  }

  /**
   * Writes the assembly.
   *
   * @param directory where to write it; a new temporary folder by default (remove it with {@link removeDirectory})
   * @returns the assembly folder
   */
  write(directory?: string): string {
    return writeCloudAssembly([this.build()], directory);
  }

  private resourceFor(resourcePath: string): unknown {
    const parts = resourcePath.split('/').filter((part) => part !== '');
    let parent: unknown = { 'Fn::GetAtt': [this.restApiLogicalId, 'RootResourceId'] };
    for (let depth = 1; depth <= parts.length; depth++) {
      const partial = `/${parts.slice(0, depth).join('/')}`;
      const logicalId = `Resource${pathId(partial)}`;
      this.resources[logicalId] ??= {
        Type: 'AWS::ApiGateway::Resource',
        Properties: { ParentId: parent, PathPart: parts[depth - 1], RestApiId: { Ref: this.restApiLogicalId } },
      };
      parent = { Ref: logicalId };
    }
    return parent;
  }
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');
}

/** A logical-id fragment for a resource path: readable, and unique thanks to a hash of the path. */
function pathId(resourcePath: string): string {
  const hash = createHash('sha256').update(resourcePath).digest('hex').slice(0, 8).toUpperCase();
  return `${pascal(resourcePath) || 'Root'}${hash}`;
}
