import { ArnFormat, CfnResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IDependable } from 'constructs';
import { Construct } from 'constructs';
import { pascalCase } from './naming';

/** A function reachable under several aliases, such as an {@link AliasedFunction}. */
export interface AliasTarget {
  /** The unqualified function; the integration URI qualifies it with the stage's alias. */
  readonly function: lambda.IFunction;
  /** The alias with this name; throws if there is none. */
  alias(name: string): lambda.IAlias;
}

/** Throttling applied to every method of a stage. */
export interface StageThrottle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Maximum burst of requests. */
  readonly burstLimit: number;
}

/** A canary on a stage: a percentage of its requests served with the `lambdaAlias` stage variable overridden. */
export interface StageCanary {
  /** Percentage (0..100) of the stage's requests that the canary serves; 0 closes it. */
  readonly percentTraffic: number;
  /** The alias canary requests invoke: their value of the `lambdaAlias` stage variable. */
  readonly lambdaAlias: string;
}

/** A stage's response cache: the cluster and the methods it caches. */
export interface StageCache {
  /** The cache cluster's size in GB, e.g. `0.5`. */
  readonly clusterSize: string;
  /** The cached methods, each with its time to live; every other method is not cached. */
  readonly methods: readonly {
    readonly resourcePath: string;
    readonly httpMethod: string;
    readonly ttlSeconds: number;
  }[];
  /** Whether the canary answers from the stage's cache; off, canary requests bypass it. */
  readonly canaryUsesStageCache: boolean;
}

/** One stage of a {@link StagedRestApi}. */
export interface ApiStageProps {
  /** Name of the stage; the first segment of its URL paths. */
  readonly stageName: string;
  /** The alias this stage invokes: its value of the `lambdaAlias` stage variable. */
  readonly lambdaAlias: string;
  /**
   * Further stage variables. Stage variables are not encrypted: never put secrets here.
   *
   * @default - only `lambdaAlias`
   */
  readonly variables?: Readonly<Record<string, string>>;
  /** Execution logging level. */
  readonly loggingLevel: apigw.MethodLoggingLevel;
  /** Whether execution logs include full requests and responses. */
  readonly dataTrace: boolean;
  /** Throttling of every method of the stage. */
  readonly throttle: StageThrottle;
  /** Retention of the stage's access and execution log groups, and of its canary's access log group. */
  readonly logRetention: logs.RetentionDays;
  /**
   * The stage's canary.
   *
   * @default - no canary
   */
  readonly canary?: StageCanary;
  /**
   * The stage's response cache, its data encrypted.
   *
   * @default - no cache cluster
   */
  readonly cache?: StageCache;
}

/** A Lambda REQUEST authorizer of a {@link StagedRestApi}. */
export interface LambdaRequestAuthorizerOptions {
  /** Where API Gateway reads the caller's identity, e.g. `method.request.header.Authorization`; missing answers 401. */
  readonly identitySource: string;
  /** How long API Gateway caches a decision per identity value, in seconds; 0 turns caching off. */
  readonly resultTtlSeconds: number;
}

/** Properties of a {@link StagedRestApi}. */
export interface StagedRestApiProps {
  /** Name of the REST API. */
  readonly restApiName: string;
  /**
   * Description of the REST API.
   *
   * @default - none
   */
  readonly description?: string;
  /** The stages, all serving one shared deployment of the API definition. */
  readonly stages: readonly ApiStageProps[];
  /**
   * Customer-managed key the access and execution log groups are encrypted with; its policy must let CloudWatch Logs
   * use it.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * What the stages' logging needs to exist first: the account-level API Gateway CloudWatch role setting.
   *
   * @default - nothing; the account must already have the setting
   */
  readonly loggingDependency?: IDependable;
}

/** The API definition resources whose every change must produce a new deployment. */
const DEFINITION_TYPES = new Set([
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Model',
  'AWS::ApiGateway::RequestValidator',
  'AWS::ApiGateway::GatewayResponse',
  'AWS::ApiGateway::Authorizer',
]);

/** `$context.isCanaryRequest` and `$context.deploymentId` have no `AccessLogField` helper. */
const ACCESS_LOG_FORMAT = apigw.AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    extendedRequestId: '$context.extendedRequestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    httpMethod: '$context.httpMethod',
    path: '$context.path',
    resourcePath: '$context.resourcePath',
    stage: '$context.stage',
    deploymentId: '$context.deploymentId',
    isCanaryRequest: '$context.isCanaryRequest',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    errorMessage: '$context.error.message',
    errorType: '$context.error.responseType',
    xrayTraceId: '$context.xrayTraceId',
  }),
);

/**
 * A regional REST API whose stages all serve one deployment, each stage bound through the `lambdaAlias` stage
 * variable to its own alias of every function it integrates with.
 *
 * The deployment is replaced whenever any resource, method, integration, model or validator changes, so a changed
 * API definition always goes live; Lambda code reaches a stage only through its alias. Each stage has its own JSON
 * access log group, execution logging, detailed metrics, X-Ray tracing and throttling.
 */
export class StagedRestApi extends Construct {
  /** The stage variable that names the alias a stage invokes. */
  public static readonly ALIAS_VARIABLE = 'lambdaAlias';

  /** The REST API. */
  public readonly api: apigw.RestApi;
  /** The deployment every stage serves. */
  public readonly deployment: apigw.Deployment;
  /** Validates both the body (against the method's model) and the required parameters of the methods using it. */
  public readonly requestValidator: apigw.RequestValidator;

  private readonly stageProps: readonly ApiStageProps[];
  private readonly stageByName = new Map<string, apigw.Stage>();
  private readonly accessLogGroupByStage = new Map<string, logs.LogGroup>();
  private readonly logGroupsByStage = new Map<string, logs.LogGroup[]>();
  private readonly canaryAccessLogGroupByStage = new Map<string, logs.LogGroup>();

  constructor(scope: Construct, id: string, props: StagedRestApiProps) {
    super(scope, id);
    this.stageProps = props.stages;

    this.api = new apigw.RestApi(this, 'Resource', {
      restApiName: props.restApiName,
      description: props.description,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // stages are ours; the account logging role is defined once, elsewhere (ApiGatewayAccount)
      deploy: false,
      cloudWatchRole: false,
    });

    this.deployment = new apigw.Deployment(this, 'Deployment', {
      api: this.api,
      description: 'The API definition every stage serves',
    });
    // with deploy: false, CDK hashes only the RestApi into the deployment's logical id, so a changed method would
    // never go live; hash the whole definition instead
    this.deployment.addToLogicalId(Lazy.any({ produce: () => this.definitionFingerprint() }));

    this.requestValidator = this.api.addRequestValidator('BodyAndParameters', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    for (const stage of props.stages) {
      this.addStage(stage, props);
    }
  }

  /** The stage with this name; throws if there is none. */
  public stage(stageName: string): apigw.Stage {
    const stage = this.stageByName.get(stageName);
    if (!stage) throw new Error(`${this.node.path} has no stage ${JSON.stringify(stageName)}`);
    return stage;
  }

  /** The access log group of the stage with this name; throws if there is none. */
  public accessLogGroup(stageName: string): logs.LogGroup {
    const group = this.accessLogGroupByStage.get(stageName);
    if (!group) throw new Error(`${this.node.path} has no stage ${JSON.stringify(stageName)}`);
    return group;
  }

  /** Every log group of the stage with this name (access, execution, canary access); throws if there is none. */
  public logGroups(stageName: string): readonly logs.LogGroup[] {
    const groups = this.logGroupsByStage.get(stageName);
    if (!groups) throw new Error(`${this.node.path} has no stage ${JSON.stringify(stageName)}`);
    return groups;
  }

  /** The access log group of the canary of the stage with this name (`<group>/Canary`); throws if it has none. */
  public canaryAccessLogGroup(stageName: string): logs.LogGroup {
    const group = this.canaryAccessLogGroupByStage.get(stageName);
    if (!group) throw new Error(`${this.node.path} has no canary on a stage ${JSON.stringify(stageName)}`);
    return group;
  }

  /**
   * Adds a method with Lambda proxy integration whose URI names the function qualified by the `lambdaAlias` stage
   * variable, so each stage (and each stage's canary) invokes its own alias.
   *
   * API Gateway adds no invoke permission for such a URI, and a missing one answers 500 at run time, so this grants
   * each alias it can reach, scoped to its own stage and to this method.
   */
  public addLambdaProxyMethod(
    resource: apigw.IResource,
    httpMethod: string,
    target: AliasTarget,
    options?: apigw.MethodOptions,
    cacheKeyParameters?: readonly string[],
  ): apigw.Method {
    const integration = new apigw.AwsIntegration({
      proxy: true,
      service: 'lambda',
      path: `2015-03-31/functions/${target.function.functionArn}:\${stageVariables.${StagedRestApi.ALIAS_VARIABLE}}/invocations`,
      ...(cacheKeyParameters && { options: { cacheKeyParameters: [...cacheKeyParameters] } }),
    });
    const method = resource.addMethod(httpMethod, integration, options);

    // execute-api ARNs name path parameters as '*'
    const arnPath = resource.path.replace(/\{[^}]*\}/g, '*');
    const permissionId = `Invoke${httpMethod.toUpperCase()}${pascalCase(resource.path) || 'Root'}`;
    for (const stage of this.stageProps) {
      const aliases = [stage.lambdaAlias, ...(stage.canary ? [stage.canary.lambdaAlias] : [])];
      for (const aliasName of aliases) {
        target.alias(aliasName).addPermission(`${permissionId}From${pascalCase(stage.stageName)}`, {
          principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
          action: 'lambda:InvokeFunction',
          sourceArn: this.api.arnForExecuteApi(httpMethod, arnPath, stage.stageName),
          // the api's own account, beside its arn: a confused-deputy guard that names the account outright
          sourceAccount: Stack.of(this).account,
        });
      }
    }
    return method;
  }

  /**
   * Adds a Lambda REQUEST authorizer whose URI names the function qualified by the `lambdaAlias` stage variable, so
   * that authorizer code is released like the integrations' code: each stage (and canary) runs its own alias.
   *
   * As for integrations, API Gateway adds no invoke permission for such a URI; this grants each alias a stage can
   * reach, for this authorizer's ARN only.
   */
  public addLambdaRequestAuthorizer(
    id: string,
    target: AliasTarget,
    options: LambdaRequestAuthorizerOptions,
  ): apigw.IAuthorizer {
    const stack = Stack.of(this);
    const authorizer = new apigw.CfnAuthorizer(this, id, {
      restApiId: this.api.restApiId,
      name: id,
      type: 'REQUEST',
      authorizerUri: stack.formatArn({
        service: 'apigateway',
        account: 'lambda',
        resource: 'path/2015-03-31/functions',
        resourceName: `${target.function.functionArn}:\${stageVariables.${StagedRestApi.ALIAS_VARIABLE}}/invocations`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
      identitySource: options.identitySource,
      authorizerResultTtlInSeconds: options.resultTtlSeconds,
    });
    const sourceArn = stack.formatArn({
      service: 'execute-api',
      resource: this.api.restApiId,
      resourceName: `authorizers/${authorizer.ref}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    for (const stage of this.stageProps) {
      for (const aliasName of [stage.lambdaAlias, ...(stage.canary ? [stage.canary.lambdaAlias] : [])]) {
        target.alias(aliasName).addPermission(`Invoke${id}From${pascalCase(stage.stageName)}`, {
          principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
          action: 'lambda:InvokeFunction',
          sourceArn,
          sourceAccount: stack.account,
        });
      }
    }
    return { authorizerId: authorizer.ref, authorizationType: apigw.AuthorizationType.CUSTOM };
  }

  private addStage(props: ApiStageProps, apiProps: StagedRestApiProps): void {
    const id = pascalCase(props.stageName);
    const encryptionKey = apiProps.logEncryptionKey;
    const accessLogs = new logs.LogGroup(this, `${id}AccessLogs`, { retention: props.logRetention, encryptionKey });
    // created by us, before the stage, so that it gets a retention instead of API Gateway's never-expire default
    const executionLogs = new logs.LogGroup(this, `${id}ExecutionLogs`, {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${props.stageName}`,
      retention: props.logRetention,
      encryptionKey,
    });

    const stage = new apigw.Stage(this, `${id}Stage`, {
      deployment: this.deployment,
      stageName: props.stageName,
      variables: { ...props.variables, [StagedRestApi.ALIAS_VARIABLE]: props.lambdaAlias },
      accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
      accessLogFormat: ACCESS_LOG_FORMAT,
      loggingLevel: props.loggingLevel,
      dataTraceEnabled: props.dataTrace,
      metricsEnabled: true,
      tracingEnabled: true,
      throttlingRateLimit: props.throttle.rateLimit,
      throttlingBurstLimit: props.throttle.burstLimit,
      ...(props.cache && cacheSettings(props.cache)),
    });
    stage.node.addDependency(executionLogs);
    if (apiProps.loggingDependency) stage.node.addDependency(apiProps.loggingDependency);

    const logGroups = [accessLogs, executionLogs];
    if (props.canary) {
      // api gateway writes canary access logs to '<group>/Canary'; own it so that it gets a retention too
      const canaryAccessLogs = new logs.LogGroup(this, `${id}CanaryAccessLogs`, {
        logGroupName: `${accessLogs.logGroupName}/Canary`,
        retention: props.logRetention,
        encryptionKey,
      });
      logGroups.push(canaryAccessLogs);
      this.canaryAccessLogGroupByStage.set(props.stageName, canaryAccessLogs);
      this.configureCanary(stage, props.canary, props.cache?.canaryUsesStageCache ?? false);
    }
    this.stageByName.set(props.stageName, stage);
    this.accessLogGroupByStage.set(props.stageName, accessLogs);
    this.logGroupsByStage.set(props.stageName, logGroups);
  }

  /**
   * The L2 Stage has no canary, so this sets `CfnStage.canarySetting`. `CfnDeployment.deploymentCanarySettings`
   * is no alternative: it needs the stage to exist already and replaces the deployment. The canary serves the
   * stage's own deployment, named explicitly so both move together when the definition changes, and differs only
   * by the alias its requests invoke. A canary removed from the template stays live on the stage
   * (aws/aws-cdk#33901), so a closed canary keeps the setting at 0%.
   */
  private configureCanary(stage: apigw.Stage, canary: StageCanary, canaryUsesStageCache: boolean): void {
    const cfnStage = stage.node.defaultChild as apigw.CfnStage;
    cfnStage.canarySetting = {
      deploymentId: this.deployment.deploymentId,
      percentTraffic: canary.percentTraffic,
      stageVariableOverrides: { [StagedRestApi.ALIAS_VARIABLE]: canary.lambdaAlias },
      useStageCache: canaryUsesStageCache,
    };
  }

  /**
   * The rendered properties of every definition resource of this API, in tree order: those under the RestApi and
   * those created elsewhere in the stack (a `Method` or `Model` scoped to the stack, an authorizer) that name it.
   */
  private definitionFingerprint(): unknown[] {
    const stack = Stack.of(this);
    const restApiCfn = this.api.node.defaultChild;
    const restApiId = JSON.stringify(stack.resolve(this.api.restApiId));
    return stack.node
      .findAll()
      .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && DEFINITION_TYPES.has(c.cfnResourceType))
      .map((resource) => {
        const rendered = stack.resolve((resource as unknown as Renderable)._toCloudFormation()) as Rendered;
        return { resource, path: resource.node.path, properties: Object.values(rendered.Resources)[0]?.Properties };
      })
      .filter(
        ({ resource, properties }) =>
          resource === restApiCfn || JSON.stringify((properties as { RestApiId?: unknown })?.RestApiId) === restApiId,
      )
      .map(({ path, properties }) => ({ path, properties }));
  }
}

/**
 * The stage options of a cache: the cluster, and caching on for the listed methods only (the stage-wide `/*\/*`
 * setting keeps it off), every setting's cache data encrypted (Control Tower's CT.APIGATEWAY.PR.3 checks `/*\/*` too).
 */
function cacheSettings(cache: StageCache): Partial<apigw.StageProps> {
  return {
    cacheClusterEnabled: true,
    cacheClusterSize: cache.clusterSize,
    cacheDataEncrypted: true,
    methodOptions: Object.fromEntries(
      cache.methods.map((m) => [
        `${m.resourcePath}/${m.httpMethod}`,
        { cachingEnabled: true, cacheTtl: Duration.seconds(m.ttlSeconds), cacheDataEncrypted: true },
      ]),
    ),
  };
}

type Rendered = { Resources: Record<string, { Properties?: unknown } | undefined> };

/** `CfnResource._toCloudFormation()` is internal to aws-cdk-lib, but it is the only view that includes overrides. */
interface Renderable {
  _toCloudFormation(): unknown;
}
