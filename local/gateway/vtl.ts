import { Compile, parse } from 'velocityjs';
import type { RequestContext } from './context';
import { evaluateJsonPath } from './jsonpath';

/** A mapping template that cannot be rendered: a syntax error, or a call that failed while rendering. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** The request parameters a template reads through `$input.params()`. */
export interface TemplateParams {
  readonly path: Readonly<Record<string, string>>;
  readonly querystring: Readonly<Record<string, string>>;
  readonly header: Readonly<Record<string, string>>;
}

/**
 * `$context` as templates see it: the request context plus the override maps a template may write. It is mutable
 * on purpose: what a request template sets in `responseOverride` survives into the response template and the
 * response (recorded: `#set($context.responseOverride.status = 444)` in a MOCK request template answers 444).
 */
export interface TemplateContext extends Record<string, unknown> {
  readonly requestOverride: {
    readonly header: Record<string, unknown>;
    readonly querystring: Record<string, unknown>;
    readonly path: Record<string, unknown>;
  };
  readonly responseOverride: { readonly header: Record<string, unknown>; status?: unknown };
}

/** The variables of one rendering. */
export interface TemplateScope {
  readonly context: TemplateContext;
  readonly stageVariables: Readonly<Record<string, string>>;
  /** The payload `$input` reads: the request body, or the integration response body in a response template. */
  readonly body: string;
  readonly params: TemplateParams;
}

/** A fresh `$context` for a request's templates. */
export function createTemplateContext(requestContext: RequestContext): TemplateContext {
  return {
    ...(structuredClone(requestContext) as unknown as Record<string, unknown>),
    requestOverride: { header: {}, querystring: {}, path: {} },
    responseOverride: { header: {} },
  };
}

type Ast = ConstructorParameters<typeof Compile>[0][number];
type CompileConfig = NonNullable<ConstructorParameters<typeof Compile>[1]>;

const parsedTemplates = new Map<string, Ast[]>();

/**
 * Renders a mapping template with API Gateway's variables: `$context`, `$stageVariables`, `$input` and `$util`.
 * A reference to something undefined or null renders as `''` (recorded for an undefined stage variable), and the
 * common `java.lang.String`, `List` and `Map` methods templates call (`length()`, `contains()`, `isEmpty()`,
 * `replaceAll()`, `containsKey()`…) behave as in Java.
 *
 * @throws TemplateError when the template does not parse or a call fails
 */
export function renderTemplate(template: string, scope: TemplateScope): string {
  let ast = parsedTemplates.get(template);
  try {
    if (ast === undefined) {
      ast = parse(template);
      parsedTemplates.set(template, ast);
    }
    const variables = {
      context: scope.context,
      stageVariables: { ...scope.stageVariables },
      input: templateInput(scope.body, scope.params),
      util: UTIL,
    };
    return new GatewayCompile(ast, { escape: false, customMethodHandlers: JAVA_METHODS }).render(
      variables,
      undefined,
      true,
    );
  } catch (error) {
    throw new TemplateError(`mapping template failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** API Gateway's limit on the iterations of a `#foreach` in a mapping template. */
export const MAX_FOREACH_ITERATIONS = 1000;

/**
 * A velocity compiler with API Gateway's rules: `null` renders like `undefined`, as nothing, and no `#foreach` runs
 * more than 1,000 times, nor does a range literal (`[1..$n]`) hold more items, so that a request cannot make a
 * template loop or allocate without bound.
 */
class GatewayCompile extends Compile {
  private readonly iterations = new Map<string, number>();

  protected override getReferences(ast: Ast, isVal?: boolean): string {
    const value = super.getReferences(ast, isVal) as unknown;
    // a method named without its call (`$map.toString`) is no value either
    return (isVal === true && (value === null || typeof value === 'function') ? '' : value) as string;
  }

  override renderAstList(asts?: Ast[], contextId?: string): string {
    if (contextId?.startsWith('foreach:')) {
      const count = (this.iterations.get(contextId) ?? 0) + 1;
      if (count > MAX_FOREACH_ITERATIONS) {
        throw new TemplateError(`a #foreach ran more than ${MAX_FOREACH_ITERATIONS} times`);
      }
      this.iterations.set(contextId, count);
    }
    return super.renderAstList(asts, contextId);
  }

  // not in velocityjs's declarations, but a method of its compiler: evaluates array literals, ranges included
  getArray(literal: { isRange?: boolean; value: unknown[] }): unknown[] {
    if (literal.isRange === true) {
      const [begin, end] = literal.value.map((bound) =>
        Number(typeof bound === 'object' && bound !== null ? this.getReferences(bound as Ast) : bound),
      );
      if (begin === undefined || end === undefined || Math.abs(end - begin) >= MAX_FOREACH_ITERATIONS) {
        throw new TemplateError(`a range of more than ${MAX_FOREACH_ITERATIONS} items`);
      }
    }
    return (Compile.prototype as unknown as { getArray(this: Compile, value: unknown): unknown[] }).getArray.call(
      this,
      literal,
    );
  }
}

/** `$input`: the payload as text, as JSON through a JSONPath, and the request parameters. */
function templateInput(body: string, params: TemplateParams) {
  let parsed: { value: unknown } | undefined;
  const json = (): unknown => {
    if (parsed === undefined) {
      try {
        parsed = { value: JSON.parse(body) as unknown };
      } catch {
        parsed = { value: undefined };
      }
    }
    return parsed.value;
  };
  return {
    // an empty payload reads as an empty object, as LocalStack found
    body: body === '' ? '{}' : body,
    json(path: string = '$'): string {
      const value = evaluateJsonPath(json(), path);
      return JSON.stringify(value === undefined ? '' : value);
    },
    path(path: string): unknown {
      return evaluateJsonPath(json(), path);
    },
    params(name?: string): unknown {
      if (name === undefined) return params;
      const lower = String(name).toLowerCase();
      const header = Object.entries(params.header).find(([key]) => key.toLowerCase() === lower)?.[1];
      return own(params.path, name) ?? own(params.querystring, name) ?? header ?? '';
    },
  };
}

function own(record: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** A template value as text, as Java's `String.valueOf` would print it: nothing for null, JSON for a structure. */
export function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** `$util`, as API Gateway documents it. */
const UTIL = {
  /**
   * Java's `StringEscapeUtils.escapeJavaScript`: quotes, backslash, `/` and control characters escaped, non-ASCII
   * as `\uXXXX`.
   */
  escapeJavaScript(value: unknown): string {
    return asText(value).replace(/[\u0000-\u001f'"\\/\u007f-\uffff]/g, (char) => {
      const simple: Record<string, string> = {
        '\b': '\\b',
        '\f': '\\f',
        '\n': '\\n',
        '\r': '\\r',
        '\t': '\\t',
        "'": "\\'",
        '"': '\\"',
        '\\': '\\\\',
        '/': '\\/',
      };
      return simple[char] ?? `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    });
  },
  parseJson(text: unknown): unknown {
    return JSON.parse(String(text)) as unknown;
  },
  /** Java's `URLEncoder.encode(s, "UTF-8")`: spaces as `+`, only `A-Za-z0-9.-*_` left as is. */
  urlEncode(value: unknown): string {
    const wellFormed = asText(value).replace(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      '?',
    );
    return encodeURIComponent(wellFormed)
      .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+');
  },
  /** Java's `URLDecoder.decode(s, "UTF-8")`: `+` as a space; a malformed escape fails the template. */
  urlDecode(value: unknown): string {
    return decodeURIComponent(asText(value).replace(/\+/g, ' '));
  },
  base64Encode(value: unknown): string {
    return Buffer.from(asText(value), 'utf8').toString('base64');
  },
  base64Decode(value: unknown): string {
    return Buffer.from(asText(value), 'base64').toString('utf8');
  },
};

type MethodHandler = NonNullable<CompileConfig['customMethodHandlers']>[number];

function javaMethod(
  name: string,
  applies: (context: unknown) => boolean,
  resolve: (context: never, params: unknown[]) => unknown,
): MethodHandler {
  return {
    uid: `java: ${name}`,
    match: ({ property, context }) => property === name && applies(context),
    resolve: ({ context, params }) => resolve(context as never, params),
  };
}

const isString = (value: unknown): boolean => typeof value === 'string';
const isList = (value: unknown): boolean => Array.isArray(value);
const isMap = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Methods of Java's `String`, `List` and `Map` that JavaScript values lack or spell differently. */
const JAVA_METHODS: MethodHandler[] = [
  javaMethod('length', isString, (text: string) => text.length),
  javaMethod('isEmpty', isString, (text: string) => text.length === 0),
  javaMethod('contains', isString, (text: string, [part]) => text.includes(String(part))),
  javaMethod('equals', isString, (text: string, [other]) => text === other),
  javaMethod(
    'equalsIgnoreCase',
    isString,
    (text: string, [other]) => text.toLowerCase() === String(other).toLowerCase(),
  ),
  javaMethod('matches', isString, (text: string, [pattern]) => new RegExp(`^(?:${String(pattern)})$`).test(text)),
  javaMethod('replaceAll', isString, (text: string, [pattern, replacement]) =>
    text.replace(new RegExp(String(pattern), 'g'), String(replacement)),
  ),
  javaMethod('replaceFirst', isString, (text: string, [pattern, replacement]) =>
    text.replace(new RegExp(String(pattern)), String(replacement)),
  ),
  javaMethod('split', isString, (text: string, [pattern]) => text.split(new RegExp(String(pattern)))),
  javaMethod('isEmpty', isList, (list: unknown[]) => list.length === 0),
  javaMethod('contains', isList, (list: unknown[], [item]) => list.includes(item)),
  javaMethod('isEmpty', isMap, (map: Record<string, unknown>) => Object.keys(map).length === 0),
  javaMethod('containsKey', isMap, (map: Record<string, unknown>, [key]) =>
    Object.prototype.hasOwnProperty.call(map, String(key)),
  ),
  // Map.put returns the previous value: nothing for a new key, so `$map.put(k, v)` on its own line renders nothing
  javaMethod('put', isMap, (map: Record<string, unknown>, [key, value]) => {
    const name = String(key);
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') return undefined;
    const previous = Object.prototype.hasOwnProperty.call(map, name) ? map[name] : undefined;
    map[name] = value;
    return previous;
  }),
];
