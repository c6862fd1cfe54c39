import { LOCAL_JWT_SECRET, LOCAL_JWT_SECRET_VARIABLE } from '../../common/local-jwt-secret';
import type { FunctionSource } from './functions';
import type { CfnTemplate } from './template';
import { isRecord } from './template';

/**
 * The logical ids of the functions an `AWS::ApiGateway::Authorizer` invokes: those its `AuthorizerUri` names by
 * `Fn::GetAtt [<id>, Arn]` or `Ref` (inside the `Fn::Join` or `Fn::Sub` that builds the URI).
 */
export function authorizerFunctionIds(template: CfnTemplate): Set<string> {
  const ids = new Set<string>();
  const isFunction = (id: string) => template.Resources[id]?.Type === 'AWS::Lambda::Function';
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!isRecord(value)) {
      if (typeof value === 'string') {
        for (const match of value.matchAll(/\$\{([A-Za-z0-9]+)\.Arn\}/g)) if (isFunction(match[1]!)) ids.add(match[1]!);
      }
      return;
    }
    const getAtt = value['Fn::GetAtt'];
    const target: unknown = Array.isArray(getAtt) ? getAtt[0] : typeof value.Ref === 'string' ? value.Ref : undefined;
    if (typeof target === 'string' && isFunction(target)) ids.add(target);
    Object.values(value).forEach(visit);
  };
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type === 'AWS::ApiGateway::Authorizer') visit(resource.Properties?.AuthorizerUri);
  }
  return ids;
}

/**
 * The function as the local API runs it: an authorizer's function gets the local JWT secret in
 * `LOCAL_API_JWT_SECRET`, as it has no SSM to read one from; no other function does.
 */
export function withLocalSecret(source: FunctionSource, authorizerFunctions: ReadonlySet<string>): FunctionSource {
  if (!authorizerFunctions.has(source.logicalId)) return source;
  const configuration = source.configuration;
  return {
    ...source,
    configuration: {
      ...configuration,
      environment: { ...configuration.environment, [LOCAL_JWT_SECRET_VARIABLE]: LOCAL_JWT_SECRET },
    },
  };
}
