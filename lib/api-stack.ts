import * as path from 'node:path';
import type { StackProps } from 'aws-cdk-lib';
import { ArnFormat, CfnOutput, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AliasedFunction } from './aliased-function';
import { pascalCase } from './naming';
import { ApiGatewayAccount } from './api-gateway-account';
import type { AccessConfig, LambdaAuthorizerConfig, RouteKey } from './access-config';
import type { RouteCacheConfig } from './cache-config';
import { cacheKeyParametersOf } from './cache-config';
import type { AppConfig, FunctionName, StageConfig, VersionSelector } from './config';
import { FUNCTION_NAMES, MINIMUM_PRODUCTION_RETENTION_DAYS } from './config';
import { ApiCustomDomain } from './custom-domain';
import { ApiGatewayResponses } from './gateway-responses';
import { addHealthCheck } from './health-check';
import { LogEncryptionKey } from './log-encryption-key';
import { acknowledgeGuardRule } from './policy-validation';
import { channelName } from './monitoring-names';
import type { MonitoredAlias, MonitoredChannel } from './release-monitoring';
import { ReleaseMonitoring } from './release-monitoring';
import type { ApiStageProps } from './staged-rest-api';
import { StagedRestApi } from './staged-rest-api';
import { ApiUsagePlans } from './usage-plans';
import { StageWebAcl } from './web-acl';

/** Properties of the {@link ApiStack}. */
export interface ApiStackProps extends StackProps {
  /** The parsed configuration of the deployment environment. */
  readonly config: AppConfig;
  /**
   * Directory holding one folder per function, each with an `index.ts` that exports `handler`.
   *
   * @default - the project's `lambda/` folder
   */
  readonly lambdaRoot?: string;
}

/** Memory and description of each function; everything else is shared (see {@link AliasedFunction}). */
const FUNCTIONS: Readonly<Record<FunctionName, { memorySize: number; description: string }>> = {
  hello: { memorySize: 256, description: 'GET and POST /api/hello: names the stage and the version that answered' },
  faq: { memorySize: 256, description: 'GET /api/faq and /api/faq/{id}: entries of the FAQ about this API' },
  authorizer: { memorySize: 256, description: 'The REQUEST authorizer: verifies the Authorization bearer JWT (HS256)' },
};

/**
 * One REST API with a stage per release channel (`beta`, `v1`), each bound through the `lambdaAlias` stage variable
 * to its own alias of every function, a canary on the stages that configure one, a MOCK health check, and the
 * hello and FAQ functions.
 */
export class ApiStack extends Stack {
  /** The functions, by name. */
  public readonly functions: Readonly<Record<FunctionName, AliasedFunction>>;
  /** The REST API and its stages. */
  public readonly api: StagedRestApi;
  /** The JSON bodies, with the request id, of the errors API Gateway answers by itself. */
  public readonly gatewayResponses: ApiGatewayResponses;
  /** The API keys and usage plans, when the environment configures any. */
  public readonly usagePlans?: ApiUsagePlans;
  /** The per-channel and per-alias alarms, their topic and the release dashboard. */
  public readonly monitoring: ReleaseMonitoring;
  /** The custom domain in front of the stages, when the environment configures one. */
  public readonly customDomain?: ApiCustomDomain;
  private readonly methods = new Map<RouteKey, apigw.Method>();
  /**
   * The authorizer the routes listing `authorizer` use: the Lambda REQUEST authorizer over the `authorizer` function,
   * or the Cognito user pool authorizer over the environment's user pools.
   *
   * @default - none, when `api.access.authorizer` is not configured
   */
  public readonly authorizer?: apigw.IAuthorizer;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const lambdaRoot = props.lambdaRoot ?? path.join(__dirname, '..', 'lambda');
    // every stage's invocations write to the function log groups: they keep the longest of the stages' retentions
    const functionLogRetention = Math.max(...config.stages.map((s) => s.logRetentionDays)) as logs.RetentionDays;

    // one customer-managed key for every log group of the stack
    const logEncryptionKey = new LogEncryptionKey(this, 'LogKey');
    const account = config.manageAccountCloudWatchRole ? new ApiGatewayAccount(this, 'ApiGatewayAccount') : undefined;

    const functions = {} as Record<FunctionName, AliasedFunction>;
    for (const name of FUNCTION_NAMES) {
      functions[name] = new AliasedFunction(this, pascalCase(name), {
        entry: path.join(lambdaRoot, name, 'index.ts'),
        aliases: aliasVersions(config.stages, name),
        logRetention: functionLogRetention,
        logEncryptionKey,
        ...FUNCTIONS[name],
        ...(name === 'authorizer' &&
          config.access.authorizer?.type === 'lambda' && {
            environment: { JWT_SECRET_PARAMETER: config.access.authorizer.secretParameter },
          }),
      });
    }
    this.functions = functions;

    this.api = new StagedRestApi(this, 'Api', {
      restApiName: config.apiName,
      description: `Hello and FAQ API (${config.environmentName})`,
      stages: config.stages.map(apiStage),
      logEncryptionKey,
      loggingDependency: account?.resource,
    });

    this.authorizer = this.addAuthorizer(config);
    this.gatewayResponses = new ApiGatewayResponses(this, 'GatewayResponses', {
      api: this.api.api,
      deployment: this.api.deployment,
    });
    const routes = this.addRoutes(config);
    if (config.apiKeys.length > 0 || config.usagePlans.length > 0) {
      this.usagePlans = new ApiUsagePlans(this, 'UsagePlans', {
        api: this.api.api,
        namePrefix: `${config.apiName}-${config.environmentName}`,
        apiKeys: config.apiKeys,
        usagePlans: config.usagePlans,
        stage: (name) => this.api.stage(name),
        method: (route) => routes.get(route)!,
      });
    }
    this.addWebAcl(config);
    if (config.domain) {
      this.customDomain = new ApiCustomDomain(this, 'CustomDomain', {
        config: config.domain,
        api: this.api.api,
        stages: this.stagesByName(config),
      });
    }
    this.acknowledgePublicApi(config);
    this.acknowledgeControlTowerExceptions(config);
    this.monitoring = new ReleaseMonitoring(this, 'Monitoring', {
      apiName: config.apiName,
      environmentName: config.environmentName,
      channels: this.monitoredChannels(config),
      aliases: this.monitoredAliases(config),
      alarmEmail: config.monitoring.alarmEmail,
    });
    this.addOutputs(config);
  }

  /** Each stage's base channel, and its canary's (`<stage>/Canary`), with the stage's thresholds. */
  private monitoredChannels(config: AppConfig): MonitoredChannel[] {
    return config.stages.flatMap((stage) => {
      const thresholds = config.monitoring.stages[stage.name];
      const base = { name: stage.name, stageName: stage.name, canary: false, thresholds };
      if (!stage.canary) return [{ ...base, accessLogGroup: this.api.accessLogGroup(stage.name) }];
      return [
        { ...base, accessLogGroup: this.api.accessLogGroup(stage.name) },
        {
          ...base,
          name: channelName(stage.name, true),
          canary: true,
          accessLogGroup: this.api.canaryAccessLogGroup(stage.name),
        },
      ];
    });
  }

  /** Every alias of every function, with the thresholds of the stage it serves (a canary's: its stage's). */
  private monitoredAliases(config: AppConfig): MonitoredAlias[] {
    return config.stages.flatMap((stage) =>
      FUNCTION_NAMES.flatMap((name) => {
        const aliasNames = stage.canary ? [stage.name, stage.canary.alias] : [stage.name];
        return aliasNames.map((aliasName) => ({
          functionName: name,
          function: this.functions[name].function,
          aliasName,
          thresholds: config.monitoring.stages[stage.name],
        }));
      }),
    );
  }

  private addRoutes(config: AppConfig): ReadonlyMap<RouteKey, apigw.Method> {
    const { api } = this;
    /** A Lambda proxy route with its access, and the cache key it needs when a stage caches it. */
    const lambdaRoute = (
      route: RouteKey,
      resource: apigw.IResource,
      target: AliasedFunction,
      options: apigw.MethodOptions = {},
    ) => {
      const cache = cacheKeyOf(config, route);
      const method = api.addLambdaProxyMethod(
        resource,
        route.split(' ')[0]!,
        target,
        {
          ...this.methodAccess(config.access, route),
          ...options,
          // a parameter the route itself declares keeps its own required flag
          ...(cache && { requestParameters: { ...cache.requestParameters, ...options.requestParameters } }),
        },
        cache?.cacheKeyParameters,
      );
      this.methods.set(route, method);
    };
    const root = api.api.root.addResource('api');

    const hello = root.addResource('hello');
    lambdaRoute('GET /api/hello', hello, this.functions.hello);
    lambdaRoute('POST /api/hello', hello, this.functions.hello, {
      // a body whose content type matches no model skips validation; $default matches every content type
      requestModels: { $default: this.helloRequestModel() },
      requestValidator: api.requestValidator,
    });

    const faq = root.addResource('faq');
    lambdaRoute('GET /api/faq', faq, this.functions.faq);
    lambdaRoute('GET /api/faq/{id}', faq.addResource('{id}'), this.functions.faq, {
      requestParameters: { 'method.request.path.id': true },
      requestValidator: api.requestValidator,
    });

    this.methods.set(
      'GET /api/health',
      addHealthCheck(root.addResource('health'), this.methodAccess(config.access, 'GET /api/health')),
    );
    return this.methods;
  }

  /** The method options that make API Gateway require what the route's access config says. */
  private methodAccess(config: AccessConfig, route: RouteKey): apigw.MethodOptions {
    const access = config.routes[route];
    // a public route renders as before: no ApiKeyRequired, AuthorizationType NONE (CDK's default)
    const apiKey = access.apiKey ? { apiKeyRequired: true } : {};
    switch (access.authorization) {
      case 'none':
        return apiKey;
      case 'iam':
        return { ...apiKey, authorizationType: apigw.AuthorizationType.IAM };
      case 'authorizer': {
        // config.ts refuses a route listing "authorizer" without one configured
        const authorizer = config.authorizer!;
        const scopes = authorizer.type === 'cognito' ? authorizer.scopes[route] : undefined;
        return {
          ...apiKey,
          authorizationType:
            authorizer.type === 'cognito' ? apigw.AuthorizationType.COGNITO : apigw.AuthorizationType.CUSTOM,
          authorizer: this.authorizer!,
          ...(scopes && { authorizationScopes: [...scopes] }),
        };
      }
    }
  }

  /** The API's authorizer of the configured type, when there is one. */
  private addAuthorizer(config: AppConfig): apigw.IAuthorizer | undefined {
    const authorizer = config.access.authorizer;
    switch (authorizer?.type) {
      case undefined:
        return undefined;
      case 'lambda':
        return this.addLambdaAuthorizer(authorizer);
      case 'cognito':
        // imported, never created: the pools and their users belong to whoever runs sign-in
        return new apigw.CognitoUserPoolsAuthorizer(this, 'UserPoolAuthorizer', {
          cognitoUserPools: config.userPools.map((arn, i) =>
            cognito.UserPool.fromUserPoolArn(this, `UserPool${i + 1}`, arn),
          ),
          identitySource: apigw.IdentitySource.header('Authorization'),
          resultsCacheTtl: Duration.seconds(authorizer.resultTtlSeconds),
        });
    }
  }

  /**
   * The REQUEST authorizer over the `authorizer` function, and its read access to the JWT secret: that one
   * parameter, nothing else. A SecureString under the account's default `aws/ssm` key needs no kms:Decrypt grant: that
   * key's policy lets the account's principals decrypt through SSM.
   */
  private addLambdaAuthorizer(authorizer: LambdaAuthorizerConfig): apigw.IAuthorizer {
    const fn = this.functions.authorizer;
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [
          this.formatArn({
            service: 'ssm',
            resource: 'parameter',
            // hierarchical names only (config.ts), whose arn is 'parameter' + the name
            resourceName: authorizer.secretParameter.slice(1),
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );
    return this.api.addLambdaRequestAuthorizer('JwtAuthorizer', fn, {
      identitySource: 'method.request.header.Authorization',
      resultTtlSeconds: authorizer.resultTtlSeconds,
    });
  }

  private helloRequestModel(): apigw.Model {
    return this.api.api.addModel('HelloRequest', {
      contentType: 'application/json',
      description: 'Body of POST /api/hello',
      schema: {
        schema: apigw.JsonSchemaVersion.DRAFT4,
        title: 'HelloRequest',
        type: apigw.JsonSchemaType.OBJECT,
        required: ['key'],
        properties: { key: { type: apigw.JsonSchemaType.STRING } },
      },
    });
  }

  /** The environment's web ACL on every stage, when its config has one (`api.environments.<env>.waf`). */
  private addWebAcl(config: AppConfig): void {
    if (!config.waf) return;
    new StageWebAcl(this, 'WebAcl', {
      config: config.waf,
      stages: this.stagesByName(config),
      // WAF metric names allow letters, digits and - _ # : . / only
      name: `${config.apiName}-${config.environmentName}`.replace(/[^\w#:./-]/g, '-'),
    });
  }

  private stagesByName(config: AppConfig): Record<string, apigw.Stage> {
    return Object.fromEntries(config.stages.map((s) => [s.name, this.api.stage(s.name)]));
  }

  /** cdk-nag's findings that do not apply, acknowledged on each method they concern, naming its route. */
  private acknowledgePublicApi(config: AppConfig): void {
    for (const [route, method] of this.methods) {
      const { authorization } = config.access.routes[route];
      if (authorization === 'none') {
        const reason =
          `${route} is public by design (api.access lists no authorization for it): it serves nothing private. ` +
          'Abuse is bounded by per-stage throttling and request validation.';
        Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
        Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
      } else if (authorization === 'authorizer' && config.access.authorizer?.type === 'lambda') {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason:
            `${route} is authorized by the API's Lambda REQUEST authorizer (HS256 bearer tokens), not a Cognito user ` +
            'pool: the API has no user directory of its own, and callers bring tokens minted with the shared secret.',
        });
      } else if (authorization === 'iam') {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason: `${route} is authorized by IAM (SigV4-signed requests), which identifies callers without a user pool.`,
        });
      }
    }
    // with a web ACL on every stage, APIG3 passes by itself
    for (const stage of config.waf ? [] : config.stages) {
      Validations.of(this.api.stage(stage.name)).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'No WAF web ACL: a public read-mostly API with stage throttling; a web ACL (a monthly cost per ACL and ' +
          'rule) is a per-environment cost decision: api.environments.<env>.waf adds one to every stage.',
      });
    }
  }

  /** The Control Tower proactive controls (cfn-guard) that do not apply to some resources of this stack, and why. */
  private acknowledgeControlTowerExceptions(config: AppConfig): void {
    for (const name of FUNCTION_NAMES) {
      acknowledgeGuardRule(this.functions[name].function, {
        id: 'CT.LAMBDA.PR.3',
        reason:
          'Not in a VPC: the function reaches nothing private (no database, no VPC endpoint, no internal service); it ' +
          'answers from its own code. A VPC would add subnets, ENIs and NAT costs for no isolation gain; put it in ' +
          'one when it first calls something private.',
      });
    }
    for (const stage of config.stages) {
      if (stage.logRetentionDays >= MINIMUM_PRODUCTION_RETENTION_DAYS) continue;
      // config.ts refuses a production stage below a year: only development stages get here
      for (const group of this.api.logGroups(stage.name)) {
        acknowledgeGuardRule(group, {
          id: 'CT.CLOUDWATCH.PR.2',
          reason:
            `The ${stage.name} stage is a development stage (api.stages.${stage.name}.logRetentionDays: ` +
            `${stage.logRetentionDays} days): its logs hold no production traffic, and with data trace on they hold ` +
            'whole requests and responses, better not kept a year. Production stages keep theirs at least 365 days.',
        });
      }
    }
    if (Token.isUnresolved(this.account)) {
      // synthesized without an account (offline, no credentials), SourceAccount is { Ref: AWS::AccountId }
      acknowledgeGuardRule(this, {
        id: 'CT.LAMBDA.PR.2',
        reason:
          "Each permission names the API's account as SourceAccount and its stage and method as SourceArn, but this " +
          'synth has no account, so SourceAccount is Ref AWS::AccountId and the rule accepts only a literal. With a ' +
          "known account (the environment's account or CDK_DEFAULT_ACCOUNT) the same permissions pass unacknowledged, " +
          "as they do Control Tower's hook, which sees the resolved value.",
      });
    }
  }

  private addOutputs(config: AppConfig): void {
    new CfnOutput(this, 'ApiId', { value: this.api.api.restApiId, description: 'Id of the REST API' });
    new CfnOutput(this, 'DashboardUrl', {
      value: this.monitoring.dashboardUrl,
      description: 'The release dashboard: beta, v1 and the v1 canary side by side, errors and duration per alias',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.topic.topicArn,
      description: 'SNS topic every alarm notifies, when it fires and when it recovers',
    });
    new CfnOutput(this, 'AlarmNamePrefix', {
      value: this.monitoring.alarmNamePrefix,
      description: 'How every alarm name of this environment starts (<prefix>-<channel or function-alias>-<what>)',
    });
    for (const stage of config.stages) {
      const id = pascalCase(stage.name);
      new CfnOutput(this, `${id}Url`, {
        value: this.api.stage(stage.name).urlForPath('/api'),
        description: `Base URL of the ${stage.name} stage`,
      });
      if (this.customDomain) {
        new CfnOutput(this, `${id}CustomUrl`, {
          value: this.customDomain.urlForPath(stage.name, '/api'),
          description: `Base URL of the ${stage.name} stage through the custom domain (base path ${stage.name})`,
        });
      }
    }
    if (this.customDomain) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: this.customDomain.domainName.domainNameAliasDomainName,
        description: "The custom domain's regional name: the target of its DNS alias (or CNAME) record",
      });
    }
    for (const [keyId, apiKey] of this.usagePlans?.apiKeys ?? []) {
      new CfnOutput(this, `ApiKey${pascalCase(keyId)}Id`, {
        value: apiKey.keyId,
        description: `Id of the ${keyId} API key; its value: aws apigateway get-api-key --include-value --api-key <id>`,
      });
    }
    for (const name of FUNCTION_NAMES) {
      const fn = this.functions[name];
      for (const aliasName of fn.aliasNames) {
        new CfnOutput(this, `${pascalCase(name)}${pascalCase(aliasName)}Version`, {
          value: fn.alias(aliasName).version.version,
          description: `Version the ${aliasName} alias of the ${name} function serves`,
        });
      }
    }
  }
}

/**
 * The cache key of a route that a stage caches: its path parameters (without them, `/faq/1` would answer `/faq/2`)
 * and the configured query string and header values, which the method then declares (optional); nothing when no stage
 * caches the route, so an uncached API's template is unchanged.
 */
function cacheKeyOf(
  config: AppConfig,
  route: RouteKey,
): { requestParameters: Record<string, boolean>; cacheKeyParameters: string[] } | undefined {
  const keyParameters = cacheKeyParametersOf(
    config.stages.map((s) => s.cache),
    route,
  );
  if (keyParameters === undefined) return undefined;
  const pathParameters = [...route.matchAll(/\{(\w+)\}/g)].map((m) => `method.request.path.${m[1]}`);
  const others = keyParameters.map((p) => `method.request.${p}`);
  return {
    requestParameters: Object.fromEntries(others.map((p) => [p, false])),
    cacheKeyParameters: [...pathParameters, ...others],
  };
}

/** The alias of each release channel of the stages (the stage itself and its canary) with its version. */
function aliasVersions(stages: readonly StageConfig[], fn: FunctionName): Record<string, VersionSelector> {
  const aliases: Record<string, VersionSelector> = {};
  for (const stage of stages) {
    aliases[stage.name] = stage.versions[fn];
    if (stage.canary) aliases[stage.canary.alias] = stage.canary.versions[fn];
  }
  return aliases;
}

function apiStage(stage: StageConfig): ApiStageProps {
  return {
    stageName: stage.name,
    lambdaAlias: stage.name,
    variables: { environment: stage.environment },
    loggingLevel: apigw.MethodLoggingLevel[stage.loggingLevel],
    dataTrace: stage.dataTrace,
    throttle: stage.throttle,
    // validated against the values CloudWatch Logs accepts, which are RetentionDays' values
    logRetention: stage.logRetentionDays,
    canary: stage.canary && { percentTraffic: stage.canary.percentTraffic, lambdaAlias: stage.canary.alias },
    cache: stage.cache && {
      clusterSize: stage.cache.clusterSize,
      methods: (Object.entries(stage.cache.routes) as [RouteKey, RouteCacheConfig][]).map(([route, settings]) => {
        const [httpMethod, resourcePath] = route.split(' ') as [string, string];
        return { httpMethod, resourcePath, ttlSeconds: settings.ttlSeconds };
      }),
      canaryUsesStageCache: stage.cache.canaryUsesStageCache,
    },
  };
}
