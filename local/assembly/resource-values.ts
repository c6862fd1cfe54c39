import type { LocalEnvironment } from '../model';
import { lambdaFunctionArn, parseFunctionIdentifier } from './lambda-arns';
import { apiGatewayId, deterministicId, generatedPhysicalName, iamUniqueId, shortApiGatewayId } from './physical-ids';

/** What a resource's `Ref` and `Fn::GetAtt` values are computed from; provided by the intrinsic resolver. */
export interface ResourceContext {
  readonly logicalId: string;
  readonly type: string;
  readonly stackName: string;
  readonly environment: LocalEnvironment;
  /** One of the resource's properties, resolved; `undefined` when absent. */
  property(propertyPath: string): unknown;
  stringProperty(propertyPath: string): string | undefined;
  /** The logical id of the `AWS::Lambda::Function` a `FunctionName` property designates. */
  functionOf(propertyPath: string): string | undefined;
  /** `Ref` of another resource. */
  ref(logicalId: string): unknown;
  /** The local version published from a function's current bundle. */
  currentVersion(functionLogicalId: string): number | undefined;
  fail(reason: string): never;
}

type Value = (context: ResourceContext) => unknown;

interface ResourceTypeValues {
  readonly ref: Value;
  readonly attributes: Readonly<Record<string, Value>>;
}

const restApiId: Value = ({ stackName, logicalId }) => apiGatewayId(stackName, logicalId, 'restapi');
const shortId: Value = ({ stackName, logicalId }) => shortApiGatewayId(stackName, logicalId);
const physicalName = (maxLength: number): Value => {
  return ({ stackName, logicalId }) => generatedPhysicalName(stackName, logicalId, maxLength);
};

function named(property: string, maxLength: number): Value {
  return (context) => context.stringProperty(property) ?? physicalName(maxLength)(context);
}

const functionName = named('FunctionName', 64);
const logGroupName = named('LogGroupName', 512);
const roleName = named('RoleName', 64);

function versionFunction(context: ResourceContext): { name: string; version: number } {
  const functionLogicalId = context.functionOf('FunctionName');
  if (functionLogicalId === undefined) {
    return context.fail(`${context.logicalId} is a version of a function that is not in the template`);
  }
  const version = context.currentVersion(functionLogicalId);
  if (version === undefined) {
    return context.fail(
      `${context.logicalId} is a version of ${functionLogicalId}, which has no local version (the local API does not run it)`,
    );
  }
  return { name: String(context.ref(functionLogicalId)), version };
}

function versionArn(context: ResourceContext): string {
  const { name, version } = versionFunction(context);
  return lambdaFunctionArn(context.environment, name, String(version));
}

function aliasArn(context: ResourceContext): string {
  const target = context.stringProperty('FunctionName');
  const alias = context.stringProperty('Name');
  if (target === undefined || alias === undefined) {
    return context.fail(`alias ${context.logicalId} needs FunctionName and Name`);
  }
  return lambdaFunctionArn(context.environment, parseFunctionIdentifier(target).name, alias);
}

/**
 * `Ref` and `Fn::GetAtt` of the resource types whose values the local API depends on, as CloudFormation documents
 * them (`Ref` of a Lambda alias or version is its ARN; of a stage, its name; of a model, its name).
 */
const RESOURCE_TYPES: Readonly<Record<string, ResourceTypeValues>> = {
  'AWS::ApiGateway::RestApi': {
    ref: restApiId,
    attributes: {
      RestApiId: restApiId,
      RootResourceId: ({ stackName, logicalId }) => apiGatewayId(stackName, logicalId, 'root'),
    },
  },
  'AWS::ApiGateway::Resource': { ref: shortId, attributes: { ResourceId: shortId } },
  'AWS::ApiGateway::Deployment': { ref: shortId, attributes: { DeploymentId: shortId } },
  'AWS::ApiGateway::RequestValidator': { ref: shortId, attributes: { RequestValidatorId: shortId } },
  'AWS::ApiGateway::Authorizer': { ref: shortId, attributes: { AuthorizerId: shortId } },
  'AWS::ApiGateway::Stage': { ref: named('StageName', 128), attributes: {} },
  'AWS::ApiGateway::ApiKey': { ref: shortId, attributes: { APIKeyId: shortId } },
  'AWS::ApiGateway::UsagePlan': { ref: shortId, attributes: { Id: shortId } },
  'AWS::ApiGateway::UsagePlanKey': { ref: shortId, attributes: { Id: shortId } },
  // model names are alphanumeric: an unnamed model is named after its logical id
  'AWS::ApiGateway::Model': {
    ref: (context) => context.stringProperty('Name') ?? context.logicalId.replace(/[^A-Za-z0-9]/g, ''),
    attributes: {},
  },
  'AWS::Lambda::Function': {
    ref: functionName,
    attributes: {
      Arn: (context) => lambdaFunctionArn(context.environment, String(functionName(context))),
    },
  },
  'AWS::Lambda::Version': {
    ref: versionArn,
    attributes: {
      Version: (context) => String(versionFunction(context).version),
      FunctionArn: versionArn,
    },
  },
  'AWS::Lambda::Alias': { ref: aliasArn, attributes: { AliasArn: aliasArn } },
  'AWS::Logs::LogGroup': {
    ref: logGroupName,
    attributes: {
      Arn: (context) => {
        const { partition, region, accountId } = context.environment;
        return `arn:${partition}:logs:${region}:${accountId}:log-group:${String(logGroupName(context))}:*`;
      },
    },
  },
  'AWS::IAM::Role': {
    ref: roleName,
    attributes: {
      Arn: (context) => {
        const rolePath = context.stringProperty('Path') ?? '/';
        return `arn:${context.environment.partition}:iam::${context.environment.accountId}:role${rolePath}${String(roleName(context))}`;
      },
      RoleId: ({ stackName, logicalId }) => iamUniqueId(stackName, logicalId, 'AROA'),
    },
  },
};

/** What `Ref` of a resource resolves to locally. */
export function referenceValue(context: ResourceContext): unknown {
  const known = RESOURCE_TYPES[context.type];
  return known === undefined ? physicalName(255)(context) : known.ref(context);
}

/**
 * What `Fn::GetAtt` of a resource resolves to locally. Attributes of types the local API does not model resolve to a
 * deterministic placeholder (an ARN-shaped one for `Arn`), so a function's environment may name them.
 *
 * @throws IntrinsicError for an attribute a modelled type does not have
 */
export function attributeValue(context: ResourceContext, attribute: string): unknown {
  const known = RESOURCE_TYPES[context.type];
  if (known === undefined) {
    return placeholderAttribute(context, attribute);
  }
  const value = known.attributes[attribute];
  if (value === undefined) {
    const attributes = Object.keys(known.attributes);
    return context.fail(
      `${context.type} has no attribute ${attribute} (it has ${attributes.length === 0 ? 'none' : attributes.join(', ')})`,
    );
  }
  return value(context);
}

function placeholderAttribute(context: ResourceContext, attribute: string): string {
  const name = String(referenceValue(context));
  if (attribute === 'Arn') {
    const [, service = 'unknown', kind = 'resource'] = context.type.split('::');
    const { partition, region, accountId } = context.environment;
    return `arn:${partition}:${service.toLowerCase()}:${region}:${accountId}:${kind.toLowerCase()}/${name}`;
  }
  return `${name}-${attribute}-${deterministicId(`${context.logicalId}.${attribute}`, 8)}`;
}
