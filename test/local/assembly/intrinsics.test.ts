import { localEnvironment } from '../../../local/assembly/cloud-assembly';
import { IntrinsicError, IntrinsicResolver } from '../../../local/assembly/intrinsics';
import type { CfnTemplate } from '../../../local/assembly/template';
import { LocalApiError } from '../../../local/errors';

const ENVIRONMENT = localEnvironment('aws://111122223333/eu-west-1');

function resolverFor(
  resources: Record<string, unknown>,
  sections: Partial<Record<'Parameters' | 'Conditions' | 'Mappings', Record<string, unknown>>> = {},
  options: { stackName?: string; currentVersion?: (logicalId: string) => number | undefined } = {},
): IntrinsicResolver {
  return new IntrinsicResolver({
    template: { ...sections, Resources: resources } as unknown as CfnTemplate,
    stackName: options.stackName ?? 'Shop-dev',
    environment: ENVIRONMENT,
    currentVersion: options.currentVersion,
  });
}

const FUNCTION = {
  Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Runtime: 'nodejs20.x' } },
};

describe('IntrinsicResolver', () => {
  describe('pseudo parameters', () => {
    const resolver = resolverFor({});

    test.each([
      ['AWS::AccountId', '111122223333'],
      ['AWS::Region', 'eu-west-1'],
      ['AWS::Partition', 'aws'],
      ['AWS::URLSuffix', 'amazonaws.com'],
      ['AWS::StackName', 'Shop-dev'],
    ])('resolves %s to %s', (name, expected) => {
      expect(resolver.resolve({ Ref: name }, 'Outputs.X')).toBe(expected);
    });

    test('resolves AWS::StackId to a stack ARN of the stack name', () => {
      expect(resolver.resolve({ Ref: 'AWS::StackId' }, 'Outputs.X')).toMatch(
        /^arn:aws:cloudformation:eu-west-1:111122223333:stack\/Shop-dev\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
    });

    test('resolves AWS::NotificationARNs to an empty list', () => {
      expect(resolver.resolve({ Ref: 'AWS::NotificationARNs' }, 'Outputs.X')).toEqual([]);
    });

    test('drops a property or list item that resolves to AWS::NoValue', () => {
      expect(
        resolver.resolve({ Keep: 'a', Drop: { Ref: 'AWS::NoValue' }, List: ['x', { Ref: 'AWS::NoValue' }, 'y'] }, 'P'),
      ).toEqual({ Keep: 'a', List: ['x', 'y'] });
    });

    test('follows the partition of a China region', () => {
      const china = new IntrinsicResolver({
        template: { Resources: {} },
        stackName: 'S',
        environment: localEnvironment('aws://111122223333/cn-north-1'),
      });

      expect(china.resolve({ Ref: 'AWS::Partition' }, 'P')).toBe('aws-cn');
      expect(china.resolve({ Ref: 'AWS::URLSuffix' }, 'P')).toBe('amazonaws.com.cn');
    });
  });

  describe('parameters', () => {
    test('resolves a parameter to its Default', () => {
      const resolver = resolverFor({}, { Parameters: { Size: { Type: 'Number', Default: 3 } } });

      expect(resolver.resolve({ Ref: 'Size' }, 'P')).toBe('3');
    });

    test('splits a CommaDelimitedList parameter', () => {
      const resolver = resolverFor({}, { Parameters: { Zones: { Type: 'CommaDelimitedList', Default: 'a,b' } } });

      expect(resolver.resolve({ Ref: 'Zones' }, 'P')).toEqual(['a', 'b']);
    });

    test('fails when a parameter has no Default', () => {
      const resolver = resolverFor({}, { Parameters: { Name: { Type: 'String' } } });

      expect(() => resolver.resolve({ Ref: 'Name' }, 'Fn.Properties.FunctionName')).toThrow(
        'Cannot resolve Fn.Properties.FunctionName.Ref: parameter Name has no Default, and the local API takes no parameter values',
      );
    });

    test('fails when a parameter is read from SSM Parameter Store', () => {
      const resolver = resolverFor(
        {},
        { Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk/version' } } },
      );

      expect(() => resolver.resolve({ Ref: 'BootstrapVersion' }, 'P')).toThrow(/read from SSM Parameter Store/);
    });
  });

  describe('API Gateway resources', () => {
    const resources = {
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'shop' } },
      Items: { Type: 'AWS::ApiGateway::Resource', Properties: {} },
      Deployment: { Type: 'AWS::ApiGateway::Deployment', Properties: {} },
      Validator: { Type: 'AWS::ApiGateway::RequestValidator', Properties: {} },
      Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { StageName: 'prod' } },
      NamedModel: { Type: 'AWS::ApiGateway::Model', Properties: { Name: 'Order' } },
      UnnamedModel: { Type: 'AWS::ApiGateway::Model', Properties: {} },
    };

    test('resolves a REST API Ref to 10 lowercase alphanumerics, the same for the same stack and logical id', () => {
      const id = resolverFor(resources).resolve({ Ref: 'Api' }, 'P');

      expect(id).toMatch(/^[a-z0-9]{10}$/);
      expect(resolverFor(resources).resolve({ Ref: 'Api' }, 'P')).toBe(id);
      expect(resolverFor(resources, {}, { stackName: 'Shop-prod' }).resolve({ Ref: 'Api' }, 'P')).not.toBe(id);
    });

    test('resolves RootResourceId in both Fn::GetAtt forms to one id that differs from the API id', () => {
      const resolver = resolverFor(resources);
      const root = resolver.resolve({ 'Fn::GetAtt': ['Api', 'RootResourceId'] }, 'P');

      expect(root).toMatch(/^[a-z0-9]{10}$/);
      expect(resolver.resolve({ 'Fn::GetAtt': 'Api.RootResourceId' }, 'P')).toBe(root);
      expect(root).not.toBe(resolver.resolve({ Ref: 'Api' }, 'P'));
    });

    test.each(['Items', 'Deployment', 'Validator'])('resolves a Ref of %s to a 6-character id', (logicalId) => {
      expect(resolverFor(resources).resolve({ Ref: logicalId }, 'P')).toMatch(/^[a-z0-9]{6}$/);
    });

    test('resolves the id attributes to the Ref value', () => {
      const resolver = resolverFor(resources);

      expect(resolver.resolve({ 'Fn::GetAtt': ['Items', 'ResourceId'] }, 'P')).toBe(
        resolver.resolve({ Ref: 'Items' }, 'P'),
      );
      expect(resolver.resolve({ 'Fn::GetAtt': ['Deployment', 'DeploymentId'] }, 'P')).toBe(
        resolver.resolve({ Ref: 'Deployment' }, 'P'),
      );
    });

    test('resolves a Stage Ref to its stage name', () => {
      expect(resolverFor(resources).resolve({ Ref: 'Stage' }, 'P')).toBe('prod');
    });

    test('resolves a Model Ref to its Name, or to a generated alphanumeric name', () => {
      const resolver = resolverFor(resources);

      expect(resolver.resolve({ Ref: 'NamedModel' }, 'P')).toBe('Order');
      expect(resolver.resolve({ Ref: 'UnnamedModel' }, 'P')).toMatch(/^[A-Za-z0-9]+$/);
    });
  });

  describe('Lambda resources', () => {
    const resources = {
      ...FUNCTION,
      Named: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'orders' } },
      Version: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Fn' } } },
      Live: {
        Type: 'AWS::Lambda::Alias',
        Properties: { FunctionName: { Ref: 'Fn' }, FunctionVersion: '1', Name: 'live' },
      },
    };
    const resolver = resolverFor(resources, {}, { currentVersion: (id) => (id === 'Fn' ? 4 : undefined) });
    const name = resolver.resolve({ Ref: 'Fn' }, 'P') as string;

    test('generates a function name as CloudFormation does: <stack>-<logical id>-<suffix>', () => {
      expect(name).toMatch(/^Shop-dev-Fn-[A-Za-z0-9]{12}$/);
    });

    test('keeps generated function names within 64 characters', () => {
      const long = resolverFor(
        { [`Fn${'x'.repeat(80)}`]: { Type: 'AWS::Lambda::Function', Properties: {} } },
        {},
        { stackName: `S${'y'.repeat(60)}` },
      );

      expect((long.resolve({ Ref: `Fn${'x'.repeat(80)}` }, 'P') as string).length).toBeLessThanOrEqual(64);
    });

    test('resolves a function Ref to its FunctionName when it has one', () => {
      expect(resolver.resolve({ Ref: 'Named' }, 'P')).toBe('orders');
    });

    test('resolves a function Arn in the local account, region and partition', () => {
      expect(resolver.resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] }, 'P')).toBe(
        `arn:aws:lambda:eu-west-1:111122223333:function:${name}`,
      );
    });

    test('resolves a version to the current local version: Ref its ARN, Version its number as a string', () => {
      expect(resolver.resolve({ Ref: 'Version' }, 'P')).toBe(
        `arn:aws:lambda:eu-west-1:111122223333:function:${name}:4`,
      );
      expect(resolver.resolve({ 'Fn::GetAtt': ['Version', 'Version'] }, 'P')).toBe('4');
      expect(resolver.resolve({ 'Fn::GetAtt': ['Version', 'FunctionArn'] }, 'P')).toBe(
        `arn:aws:lambda:eu-west-1:111122223333:function:${name}:4`,
      );
    });

    test('resolves an alias Ref and AliasArn to the alias ARN', () => {
      const arn = `arn:aws:lambda:eu-west-1:111122223333:function:${name}:live`;

      expect(resolver.resolve({ Ref: 'Live' }, 'P')).toBe(arn);
      expect(resolver.resolve({ 'Fn::GetAtt': ['Live', 'AliasArn'] }, 'P')).toBe(arn);
    });

    test('fails when a version belongs to a function with no local version', () => {
      const unpublished = resolverFor(resources);

      expect(() =>
        unpublished.resolve({ 'Fn::GetAtt': ['Version', 'Version'] }, 'Alias.Properties.FunctionVersion'),
      ).toThrow(
        /^Cannot resolve Alias\.Properties\.FunctionVersion\.Fn::GetAtt: Version is a version of Fn, which has no local version/,
      );
    });

    test('finds the function a FunctionName designates, by Ref, by Arn, by name or by qualified ARN', () => {
      expect(resolver.lambdaFunctionOf({ Ref: 'Fn' }, 'P')).toBe('Fn');
      expect(resolver.lambdaFunctionOf({ 'Fn::GetAtt': ['Fn', 'Arn'] }, 'P')).toBe('Fn');
      expect(resolver.lambdaFunctionOf('orders', 'P')).toBe('Named');
      expect(resolver.lambdaFunctionOf('arn:aws:lambda:eu-west-1:111122223333:function:orders:live', 'P')).toBe(
        'Named',
      );
      expect(resolver.lambdaFunctionOf('elsewhere', 'P')).toBeUndefined();
    });
  });

  describe('other resources', () => {
    const resources = {
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/shop/api' } },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    };
    const resolver = resolverFor(resources);

    test('resolves a log group Ref to its name and Arn to its ARN', () => {
      expect(resolver.resolve({ Ref: 'Logs' }, 'P')).toBe('/shop/api');
      expect(resolver.resolve({ 'Fn::GetAtt': ['Logs', 'Arn'] }, 'P')).toBe(
        'arn:aws:logs:eu-west-1:111122223333:log-group:/shop/api:*',
      );
    });

    test('resolves a role Ref to its generated name and Arn to a role ARN of that name', () => {
      const roleName = resolver.resolve({ Ref: 'Role' }, 'P') as string;

      expect(roleName).toMatch(/^Shop-dev-Role-[A-Za-z0-9]{12}$/);
      expect(resolver.resolve({ 'Fn::GetAtt': ['Role', 'Arn'] }, 'P')).toBe(
        `arn:aws:iam::111122223333:role/${roleName}`,
      );
    });

    test('resolves a resource type it does not model to deterministic placeholders', () => {
      const arn = resolver.resolve({ 'Fn::GetAtt': ['Table', 'Arn'] }, 'P');

      expect(resolver.resolve({ Ref: 'Table' }, 'P')).toMatch(/^Shop-dev-Table-/);
      expect(arn).toMatch(/^arn:aws:dynamodb:eu-west-1:111122223333:table\/Shop-dev-Table-/);
      expect(resolverFor(resources).resolve({ 'Fn::GetAtt': ['Table', 'Arn'] }, 'P')).toBe(arn);
    });

    test('fails for an attribute a modelled type does not have, naming the location and the attributes it has', () => {
      expect(() => resolver.resolve({ 'Fn::GetAtt': ['Role', 'Color'] }, 'Fn.Properties.Role')).toThrow(
        'Cannot resolve Fn.Properties.Role.Fn::GetAtt: AWS::IAM::Role has no attribute Color (it has Arn, RoleId)',
      );
    });
  });

  describe('functions', () => {
    const resolver = resolverFor(FUNCTION, {
      Parameters: { Env: { Type: 'String', Default: 'dev' } },
      Conditions: {
        IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
        IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
        Both: { 'Fn::And': [{ Condition: 'IsDev' }, { 'Fn::Equals': ['a', 'a'] }] },
      },
      Mappings: { Sizes: { dev: { Memory: 128 } } },
    });

    test('joins pieces and leaves stage-variable references in them as written', () => {
      expect(
        resolver.resolve(
          {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x/', ':${stageVariables.lambdaAlias}/invocations']],
          },
          'P',
        ),
      ).toBe('arn:aws:x/:${stageVariables.lambdaAlias}/invocations');
    });

    test('substitutes pseudo parameters, resource Refs and attributes in Fn::Sub', () => {
      const name = resolver.resolve({ Ref: 'Fn' }, 'P') as string;

      expect(resolver.resolve({ 'Fn::Sub': '${AWS::Region}/${Fn}/${Fn.Arn}' }, 'P')).toBe(
        `eu-west-1/${name}/arn:aws:lambda:eu-west-1:111122223333:function:${name}`,
      );
    });

    test('substitutes the variables of the list form of Fn::Sub, which win over parameters', () => {
      expect(resolver.resolve({ 'Fn::Sub': ['${Env}-${Suffix}', { Env: 'x', Suffix: { Ref: 'Env' } }] }, 'P')).toBe(
        'x-dev',
      );
    });

    test('writes ${!Literal} as ${Literal} in Fn::Sub', () => {
      expect(resolver.resolve({ 'Fn::Sub': 'a:${!stageVariables.alias}' }, 'P')).toBe('a:${stageVariables.alias}');
    });

    test('fails on an Fn::Sub name that is nothing it knows, suggesting the literal form', () => {
      expect(() =>
        resolver.resolve({ 'Fn::Sub': 'a:${stageVariables.alias}' }, 'Method.Properties.Integration.Uri'),
      ).toThrow(
        'Cannot resolve Method.Properties.Integration.Uri.Fn::Sub: ${stageVariables.alias} is neither a variable, a parameter, a resource nor a pseudo parameter (write ${!stageVariables.alias} for the literal text)',
      );
    });

    test('selects from a split string', () => {
      expect(resolver.resolve({ 'Fn::Select': ['1', { 'Fn::Split': [',', 'a,b,c'] }] }, 'P')).toBe('b');
    });

    test('fails when Fn::Select is out of range', () => {
      expect(() => resolver.resolve({ 'Fn::Select': [3, ['a']] }, 'P')).toThrow(
        'Cannot resolve P.Fn::Select: Fn::Select index 3 is outside the list of 1',
      );
    });

    test('chooses the Fn::If branch of its condition, AWS::NoValue included', () => {
      expect(
        resolver.resolve(
          {
            A: { 'Fn::If': ['IsProd', 'big', 'small'] },
            B: { 'Fn::If': ['Both', 'yes', 'no'] },
            C: { 'Fn::If': ['IsProd', 'x', { Ref: 'AWS::NoValue' }] },
          },
          'P',
        ),
      ).toEqual({ A: 'small', B: 'yes' });
    });

    test('reads Fn::FindInMap and encodes Fn::Base64', () => {
      expect(resolver.resolve({ 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'Memory'] }, 'P')).toBe(128);
      expect(resolver.resolve({ 'Fn::Base64': 'hi' }, 'P')).toBe('aGk=');
    });

    test('fails on an intrinsic it does not support, naming the logical id and property path', () => {
      const withImport = resolverFor({
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: { Environment: { Variables: { TABLE: { 'Fn::ImportValue': 'shared-table' } } } },
        },
      });

      expect(() => withImport.property('Fn', 'Environment.Variables')).toThrow(
        /^Cannot resolve Fn\.Properties\.Environment\.Variables\.TABLE\.Fn::ImportValue: Fn::ImportValue is not supported locally \(supported: Ref, Fn::GetAtt/,
      );
    });

    test('fails on a Ref to something the template does not define', () => {
      expect(() => resolver.resolve({ Ref: 'Missing' }, 'P')).toThrow(
        'Cannot resolve P.Ref: it refers to Missing, which is neither a resource, a parameter nor a pseudo parameter of the template',
      );
    });

    test('throws IntrinsicError, a LocalApiError, so the CLI reports it in one line', () => {
      expect(() => resolver.resolve({ 'Fn::Cidr': [] }, 'P')).toThrow(IntrinsicError);
      expect(() => resolver.resolve({ 'Fn::Cidr': [] }, 'P')).toThrow(LocalApiError);
    });
  });

  describe('conditions on resources', () => {
    const resolver = resolverFor(
      {
        ...FUNCTION,
        ProdOnly: { Type: 'AWS::Logs::LogGroup', Condition: 'IsProd', Properties: {} },
      },
      { Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } } },
    );

    test('leaves out a resource whose condition is false', () => {
      expect(resolver.isDeployed('ProdOnly')).toBe(false);
      expect(resolver.isDeployed('Fn')).toBe(true);
    });

    test('fails on a Ref to a resource its condition leaves out', () => {
      expect(() => resolver.resolve({ Ref: 'ProdOnly' }, 'P')).toThrow(
        'Cannot resolve P.Ref: it refers to ProdOnly, which is not created (its condition IsProd is false)',
      );
    });
  });

  describe('property', () => {
    test('walks through an intrinsic on the path of a property', () => {
      const resolver = resolverFor(
        {
          Fn: {
            Type: 'AWS::Lambda::Function',
            Properties: {
              Environment: {
                'Fn::If': ['Always', { Variables: { A: { Ref: 'AWS::Region' } } }, { Ref: 'AWS::NoValue' }],
              },
            },
          },
        },
        { Conditions: { Always: { 'Fn::Equals': ['x', 'x'] } } },
      );

      expect(resolver.property('Fn', 'Environment.Variables')).toEqual({ A: 'eu-west-1' });
    });

    test('leaves the siblings of a property alone, even those it could not resolve', () => {
      const resolver = resolverFor({
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: { Handler: 'index.handler', Code: { S3Bucket: { 'Fn::ImportValue': 'bucket' } } },
        },
      });

      expect(resolver.property('Fn', 'Handler')).toBe('index.handler');
      expect(resolver.property('Fn', 'Timeout')).toBeUndefined();
    });
  });

  test('fails on a resource whose physical name depends on itself', () => {
    const resolver = resolverFor({
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: { 'Fn::Sub': '${Fn}-x' } } },
    });

    expect(() => resolver.resolve({ Ref: 'Fn' }, 'P')).toThrow(/Fn Ref depends on itself/);
  });
});
