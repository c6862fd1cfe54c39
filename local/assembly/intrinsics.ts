import { LocalApiError } from '../errors';
import type { LocalEnvironment } from '../model';
import { parseFunctionIdentifier } from './lambda-arns';
import { deterministicUuid } from './physical-ids';
import type { ResourceContext } from './resource-values';
import { attributeValue, referenceValue } from './resource-values';
import type { CfnResource, CfnTemplate } from './template';
import { isRecord } from './template';

/** A template value the resolver cannot turn into a local value; the message names the resource and property. */
export class IntrinsicError extends LocalApiError {}

/** The intrinsic functions {@link IntrinsicResolver} evaluates. */
export const SUPPORTED_INTRINSICS: readonly string[] = [
  'Ref',
  'Fn::GetAtt',
  'Fn::Join',
  'Fn::Sub',
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::FindInMap',
  'Fn::Base64',
  'Fn::GetAZs',
];

const CONDITION_FUNCTIONS = new Set(['Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not']);

/** What `Ref: AWS::NoValue` resolves to before the property holding it is dropped. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** The template and the local values its pseudo parameters resolve to. */
export interface ResolverOptions {
  readonly template: CfnTemplate;
  /** The CloudFormation stack name (`AWS::StackName`). */
  readonly stackName: string;
  readonly environment: LocalEnvironment;
  /**
   * The local version published from a function's current bundle, by the function's logical id: what an
   * `AWS::Lambda::Version` of that function resolves to. `undefined` when the function has none.
   */
  readonly currentVersion?: (functionLogicalId: string) => number | undefined;
}

/**
 * Resolves CloudFormation intrinsic functions to the values a local deployment of the stack would have.
 *
 * Every `Ref` and `Fn::GetAtt` of a resource resolves to the same value everywhere (see `resource-values.ts`), so an
 * id or ARN built in one property matches the one built in another. Strings are never parsed outside `Fn::Sub`:
 * `${stageVariables.lambdaAlias}` in a `Fn::Join` piece stays as written, for the gateway to substitute per request.
 */
export class IntrinsicResolver {
  readonly stackName: string;
  readonly environment: LocalEnvironment;
  private readonly template: CfnTemplate;
  private readonly currentVersionOf: (functionLogicalId: string) => number | undefined;
  private readonly cache = new Map<string, unknown>();
  private readonly inProgress = new Set<string>();
  private readonly conditions = new Map<string, boolean>();

  constructor(options: ResolverOptions) {
    this.template = options.template;
    this.stackName = options.stackName;
    this.environment = options.environment;
    this.currentVersionOf = options.currentVersion ?? (() => undefined);
  }

  /**
   * Resolves a template value.
   *
   * @param location where the value sits, for error messages (`HelloAD23A60E.Properties.Environment`)
   * @returns the value with every intrinsic evaluated and every `AWS::NoValue` dropped; `undefined` if the value
   *   itself is `AWS::NoValue`
   * @throws IntrinsicError naming the location when an intrinsic is not supported or cannot be evaluated
   */
  resolve(value: unknown, location: string): unknown {
    const resolved = this.evaluate(value, location);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /**
   * Resolves a property of a resource, e.g. `property('Api9AF3637B', 'Name')` or `('Fn', 'Environment.Variables')`.
   *
   * @returns `undefined` when the property is absent
   */
  property(logicalId: string, propertyPath: string): unknown {
    const raw = this.rawProperty(logicalId, propertyPath);
    return raw === undefined ? undefined : this.resolve(raw, `${logicalId}.Properties.${propertyPath}`);
  }

  /**
   * A property as written, found by walking its path; an intrinsic met on the way (`Environment: { Fn::If: ... }`)
   * is resolved to walk on, while siblings of the path are left alone (they may use what the resolver refuses).
   */
  private rawProperty(logicalId: string, propertyPath: string): unknown {
    let raw: unknown = this.resource(logicalId, `${logicalId}.Properties.${propertyPath}`).Properties;
    let walked = `${logicalId}.Properties`;
    for (const key of propertyPath.split('.')) {
      if (isIntrinsic(raw)) {
        raw = this.resolve(raw, walked);
      }
      raw = isRecord(raw) ? raw[key] : undefined;
      walked = `${walked}.${key}`;
    }
    return raw;
  }

  /** {@link property}, which must resolve to a string (numbers and booleans are written as CloudFormation does). */
  stringProperty(logicalId: string, propertyPath: string): string | undefined {
    const value = this.property(logicalId, propertyPath);
    return value === undefined ? undefined : asString(value, `${logicalId}.Properties.${propertyPath}`);
  }

  /** What `Ref` of a resource, parameter or pseudo parameter resolves to. */
  ref(name: string, location: string): unknown {
    if (name.startsWith('AWS::')) {
      return this.pseudoParameter(name, location);
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter !== undefined) {
      return this.parameter(name, location);
    }
    this.resource(name, location);
    return this.memoized(name, 'Ref', location, () => referenceValue(this.resourceContext(name, location)));
  }

  /** What `Fn::GetAtt [logicalId, attribute]` resolves to. */
  getAtt(logicalId: string, attribute: string, location: string): unknown {
    this.resource(logicalId, location);
    return this.memoized(logicalId, attribute, location, () =>
      attributeValue(this.resourceContext(logicalId, location), attribute),
    );
  }

  /** Whether a resource is part of the stack: it has no `Condition`, or its condition holds. */
  isDeployed(logicalId: string): boolean {
    const condition = this.template.Resources[logicalId]?.Condition;
    return condition === undefined || this.condition(condition, `${logicalId}.Condition`);
  }

  /** Evaluates a named condition of the template's `Conditions`. */
  condition(name: string, location: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) {
      return known;
    }
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) {
      throw new IntrinsicError(`Cannot resolve ${location}: no condition ${name} in the template's Conditions`);
    }
    const key = `Conditions.${name}`;
    if (this.inProgress.has(key)) {
      throw new IntrinsicError(`Cannot resolve ${location}: condition ${name} refers to itself`);
    }
    this.inProgress.add(key);
    try {
      const value = this.conditionValue(definition, `Conditions.${name}`);
      this.conditions.set(name, value);
      return value;
    } finally {
      this.inProgress.delete(key);
    }
  }

  /**
   * The logical id of the `AWS::Lambda::Function` a `FunctionName`-like value designates: a `Ref` or `Fn::GetAtt
   * Arn` of the function, or a string naming it (a name or an ARN, qualified or not).
   *
   * @returns `undefined` when it designates no function of the template
   */
  lambdaFunctionOf(value: unknown, location: string): string | undefined {
    const direct = directReference(value);
    if (direct !== undefined && this.template.Resources[direct]?.Type === 'AWS::Lambda::Function') {
      return direct;
    }
    const resolved = this.resolve(value, location);
    if (typeof resolved !== 'string') {
      return undefined;
    }
    const { name } = parseFunctionIdentifier(resolved);
    return Object.entries(this.template.Resources).find(
      ([logicalId, resource]) =>
        resource.Type === 'AWS::Lambda::Function' &&
        this.isDeployed(logicalId) &&
        this.ref(logicalId, location) === name,
    )?.[0];
  }

  private resource(logicalId: string, location: string): CfnResource {
    const resource = this.template.Resources[logicalId];
    if (resource === undefined) {
      throw new IntrinsicError(
        `Cannot resolve ${location}: it refers to ${logicalId}, which is neither a resource, a parameter nor a pseudo parameter of the template`,
      );
    }
    if (resource.Condition !== undefined && !this.condition(resource.Condition, `${logicalId}.Condition`)) {
      throw new IntrinsicError(
        `Cannot resolve ${location}: it refers to ${logicalId}, which is not created (its condition ${resource.Condition} is false)`,
      );
    }
    return resource;
  }

  private resourceContext(logicalId: string, location: string): ResourceContext {
    const resource = this.template.Resources[logicalId] as CfnResource;
    return {
      logicalId,
      type: resource.Type,
      stackName: this.stackName,
      environment: this.environment,
      property: (propertyPath: string) => this.property(logicalId, propertyPath),
      stringProperty: (propertyPath: string) => this.stringProperty(logicalId, propertyPath),
      functionOf: (propertyPath: string) =>
        this.lambdaFunctionOf(this.rawProperty(logicalId, propertyPath), `${logicalId}.Properties.${propertyPath}`),
      ref: (otherLogicalId: string) => this.ref(otherLogicalId, location),
      currentVersion: (functionLogicalId: string) => this.currentVersionOf(functionLogicalId),
      fail: (reason: string): never => {
        throw new IntrinsicError(`Cannot resolve ${location}: ${reason}`);
      },
    };
  }

  private memoized(logicalId: string, what: string, location: string, compute: () => unknown): unknown {
    const key = `${logicalId}|${what}`;
    if (this.cache.has(key)) {
      return this.cache.get(key);
    }
    if (this.inProgress.has(key)) {
      throw new IntrinsicError(`Cannot resolve ${location}: ${logicalId} ${what} depends on itself`);
    }
    this.inProgress.add(key);
    try {
      const value = compute();
      this.cache.set(key, value);
      return value;
    } finally {
      this.inProgress.delete(key);
    }
  }

  private evaluate(value: unknown, location: string): unknown {
    if (Array.isArray(value)) {
      return value
        .map((item, index) => this.evaluate(item, `${location}[${index}]`))
        .filter((item) => item !== NO_VALUE);
    }
    if (!isRecord(value)) {
      return value;
    }
    if (isIntrinsic(value)) {
      const [name] = Object.keys(value) as [string];
      return this.intrinsic(name, value[name], `${location}.${name}`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = this.evaluate(item, `${location}.${key}`);
      if (resolved !== NO_VALUE) {
        out[key] = resolved;
      }
    }
    return out;
  }

  private intrinsic(name: string, args: unknown, location: string): unknown {
    switch (name) {
      case 'Ref':
        if (args === 'AWS::NoValue') {
          return NO_VALUE;
        }
        return this.ref(this.stringArgument(args, location), location);
      case 'Fn::GetAtt':
        return this.getAttIntrinsic(args, location);
      case 'Fn::Join':
        return this.join(args, location);
      case 'Fn::Sub':
        return this.sub(args, location);
      case 'Fn::Select':
        return this.select(args, location);
      case 'Fn::Split': {
        const [delimiter, source] = this.arguments(args, 2, location);
        return asString(this.evaluate(source, `${location}[1]`), location).split(
          asString(this.evaluate(delimiter, `${location}[0]`), location),
        );
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = this.arguments(args, 3, location);
        const holds = this.condition(this.stringArgument(condition, `${location}[0]`), location);
        return holds ? this.evaluate(whenTrue, `${location}[1]`) : this.evaluate(whenFalse, `${location}[2]`);
      }
      case 'Fn::FindInMap':
        return this.findInMap(args, location);
      case 'Fn::Base64':
        return Buffer.from(asString(this.evaluate(args, location), location), 'utf8').toString('base64');
      case 'Fn::GetAZs': {
        const region = asString(this.evaluate(args, location), location) || this.environment.region;
        return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
      }
      default:
        if (CONDITION_FUNCTIONS.has(name)) {
          return this.conditionValue({ [name]: args }, location);
        }
        throw new IntrinsicError(
          `Cannot resolve ${location}: ${name} is not supported locally (supported: ${SUPPORTED_INTRINSICS.join(', ')})`,
        );
    }
  }

  private getAttIntrinsic(args: unknown, location: string): unknown {
    let logicalId: unknown;
    let attribute: unknown;
    if (typeof args === 'string') {
      const dot = args.indexOf('.');
      if (dot < 1) {
        throw new IntrinsicError(`Cannot resolve ${location}: expected "LogicalId.Attribute", got "${args}"`);
      }
      [logicalId, attribute] = [args.slice(0, dot), args.slice(dot + 1)];
    } else {
      const [first, second] = this.arguments(args, 2, location);
      [logicalId, attribute] = [first, this.evaluate(second, `${location}[1]`)];
    }
    return this.getAtt(this.stringArgument(logicalId, location), this.stringArgument(attribute, location), location);
  }

  private join(args: unknown, location: string): string {
    const [delimiter, items] = this.arguments(args, 2, location);
    const list = this.evaluate(items, `${location}[1]`);
    if (!Array.isArray(list)) {
      throw new IntrinsicError(`Cannot resolve ${location}: Fn::Join needs a list to join, got ${describe(list)}`);
    }
    return list
      .map((item, index) => asString(item, `${location}[1][${index}]`))
      .join(asString(this.evaluate(delimiter, `${location}[0]`), `${location}[0]`));
  }

  private sub(args: unknown, location: string): string {
    let text: unknown = args;
    let variables: Record<string, unknown> = {};
    if (Array.isArray(args)) {
      const [first, second] = this.arguments(args, 2, location);
      text = first;
      const resolved = this.evaluate(second, `${location}[1]`);
      if (!isRecord(resolved)) {
        throw new IntrinsicError(`Cannot resolve ${location}: Fn::Sub variables must be an object`);
      }
      variables = resolved;
    }
    if (typeof text !== 'string') {
      throw new IntrinsicError(`Cannot resolve ${location}: Fn::Sub needs a string, got ${describe(text)}`);
    }
    return text.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
      if (name.startsWith('!')) {
        return `\${${name.slice(1)}}`;
      }
      if (Object.hasOwn(variables, name)) {
        return asString(variables[name], `${location} \${${name}}`);
      }
      if (name.startsWith('AWS::') || this.template.Parameters?.[name] !== undefined) {
        return asString(this.ref(name, location), `${location} \${${name}}`);
      }
      if (this.template.Resources[name] !== undefined) {
        return asString(this.ref(name, location), `${location} \${${name}}`);
      }
      const dot = name.indexOf('.');
      const resource = dot > 0 ? name.slice(0, dot) : undefined;
      if (resource !== undefined && this.template.Resources[resource] !== undefined) {
        return asString(this.getAtt(resource, name.slice(dot + 1), location), `${location} \${${name}}`);
      }
      throw new IntrinsicError(
        `Cannot resolve ${location}: \${${name}} is neither a variable, a parameter, a resource nor a pseudo parameter (write \${!${name}} for the literal text)`,
      );
    });
  }

  private select(args: unknown, location: string): unknown {
    const [index, items] = this.arguments(args, 2, location);
    const position = Number(this.evaluate(index, `${location}[0]`));
    const list = this.evaluate(items, `${location}[1]`);
    if (!Array.isArray(list)) {
      throw new IntrinsicError(`Cannot resolve ${location}: Fn::Select needs a list, got ${describe(list)}`);
    }
    if (!Number.isInteger(position) || position < 0 || position >= list.length) {
      throw new IntrinsicError(
        `Cannot resolve ${location}: Fn::Select index ${String(position)} is outside the list of ${list.length}`,
      );
    }
    return list[position];
  }

  private findInMap(args: unknown, location: string): unknown {
    const [map, top, second] = this.arguments(args, 3, location).map((arg, index) =>
      this.stringArgument(this.evaluate(arg, `${location}[${index}]`), location),
    ) as [string, string, string];
    const mapping = this.template.Mappings?.[map];
    const entry = isRecord(mapping) ? mapping[top] : undefined;
    const value = isRecord(entry) ? entry[second] : undefined;
    if (value === undefined) {
      throw new IntrinsicError(`Cannot resolve ${location}: no ${map}.${top}.${second} in the template's Mappings`);
    }
    return value;
  }

  private conditionValue(expression: unknown, location: string): boolean {
    if (isRecord(expression)) {
      const [name, ...others] = Object.keys(expression);
      const args = name === undefined ? undefined : expression[name];
      if (others.length === 0 && name === 'Condition') {
        return this.condition(this.stringArgument(args, location), location);
      }
      if (others.length === 0 && name === 'Fn::Equals') {
        const [left, right] = this.arguments(args, 2, `${location}.${name}`).map((side, index) =>
          JSON.stringify(scalarString(this.evaluate(side, `${location}.${name}[${index}]`))),
        );
        return left === right;
      }
      if (others.length === 0 && name === 'Fn::Not') {
        const [operand] = this.arguments(args, 1, `${location}.${name}`);
        return !this.conditionValue(operand, `${location}.${name}[0]`);
      }
      if (others.length === 0 && (name === 'Fn::And' || name === 'Fn::Or')) {
        if (!Array.isArray(args) || args.length < 2) {
          throw new IntrinsicError(`Cannot resolve ${location}.${name}: it needs a list of at least 2 conditions`);
        }
        const values = args.map((operand, index) => this.conditionValue(operand, `${location}.${name}[${index}]`));
        return name === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      if (others.length === 0 && name === 'Fn::If') {
        const [condition, whenTrue, whenFalse] = this.arguments(args, 3, `${location}.${name}`);
        return this.condition(this.stringArgument(condition, location), location)
          ? this.conditionValue(whenTrue, `${location}.${name}[1]`)
          : this.conditionValue(whenFalse, `${location}.${name}[2]`);
      }
    }
    throw new IntrinsicError(
      `Cannot resolve ${location}: expected a condition (Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition), got ${describe(expression)}`,
    );
  }

  private pseudoParameter(name: string, location: string): unknown {
    const { accountId, region, partition, urlSuffix } = this.environment;
    switch (name) {
      case 'AWS::AccountId':
        return accountId;
      case 'AWS::Region':
        return region;
      case 'AWS::Partition':
        return partition;
      case 'AWS::URLSuffix':
        return urlSuffix;
      case 'AWS::StackName':
        return this.stackName;
      case 'AWS::StackId':
        return `arn:${partition}:cloudformation:${region}:${accountId}:stack/${this.stackName}/${deterministicUuid(this.stackName)}`;
      case 'AWS::NotificationARNs':
        return [];
      default:
        throw new IntrinsicError(`Cannot resolve ${location}: ${name} is not a pseudo parameter the local API knows`);
    }
  }

  private parameter(name: string, location: string): unknown {
    const parameter = this.template.Parameters?.[name];
    const type = parameter?.Type ?? 'String';
    if (type.startsWith('AWS::SSM::Parameter::')) {
      throw new IntrinsicError(
        `Cannot resolve ${location}: parameter ${name} (${type}) is read from SSM Parameter Store, which the local API cannot reach`,
      );
    }
    if (parameter?.Default === undefined) {
      throw new IntrinsicError(
        `Cannot resolve ${location}: parameter ${name} has no Default, and the local API takes no parameter values`,
      );
    }
    const value = scalarString(parameter.Default);
    return type === 'CommaDelimitedList' || type.startsWith('List<') ? value.split(',') : value;
  }

  private arguments(args: unknown, count: number, location: string): unknown[] {
    if (!Array.isArray(args) || args.length !== count) {
      throw new IntrinsicError(`Cannot resolve ${location}: expected a list of ${count}, got ${describe(args)}`);
    }
    return args;
  }

  private stringArgument(value: unknown, location: string): string {
    if (typeof value !== 'string') {
      throw new IntrinsicError(`Cannot resolve ${location}: expected a string, got ${describe(value)}`);
    }
    return value;
  }
}

/** An object of one key, `Ref` or `Fn::*`: CloudFormation evaluates it rather than passing it on. */
function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0]?.startsWith('Fn::') ?? false));
}

/** The logical id a `Ref` or `Fn::GetAtt [id, Arn]` points at, read without resolving anything. */
function directReference(value: unknown): string | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  if (typeof value.Ref === 'string') {
    return value.Ref;
  }
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn' && typeof getAtt[0] === 'string') {
    return getAtt[0];
  }
  if (typeof getAtt === 'string' && getAtt.endsWith('.Arn')) {
    return getAtt.slice(0, -'.Arn'.length);
  }
  return undefined;
}

function asString(value: unknown, location: string): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  throw new IntrinsicError(`Cannot resolve ${location}: expected a string, got ${describe(value)}`);
}

function scalarString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function describe(value: unknown): string {
  if (value === NO_VALUE) {
    return 'AWS::NoValue';
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
