import type { ApiMethod, ApiResource, ApiStage } from '../model';
import { decodePathSegment } from './request';

/** The stage a request names, and the raw path after it. */
export interface StageMatch {
  readonly stage: ApiStage;
  /** The raw path after the stage segment: `''` or starting with `/` (`//x` kept as sent). */
  readonly rest: string;
}

/** A resource and method that answer a request. */
export interface RouteMatch {
  readonly resource: ApiResource;
  readonly method: ApiMethod;
  /** Path parameters by name, as sent (API Gateway does not percent-decode them). */
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** The methods an `ANY` method stands for. */
const ANY_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);

/**
 * The stage named by the first segment of the path; leading slashes are skipped (`//stage/x` is stage `stage`, as
 * recorded).
 *
 * @returns `undefined` when no stage has that name: the caller answers 403 `{"message":"Forbidden"}`, the answer
 * commonly observed from an execute-api host for a stage that does not exist (not in the recordings)
 */
export function resolveStage(stages: readonly ApiStage[], rawPath: string): StageMatch | undefined {
  const afterSlashes = rawPath.replace(/^\/+/, '');
  const slash = afterSlashes.indexOf('/');
  const name = slash === -1 ? afterSlashes : afterSlashes.slice(0, slash);
  const stage = stages.find((candidate) => candidate.name === name);
  return stage && { stage, rest: slash === -1 ? '' : afterSlashes.slice(slash) };
}

/**
 * `path` of the proxy event and `$context.resourcePath`'s request counterpart: the path after the stage, leading
 * slashes collapsed to one, everything else (double slashes inside, a trailing slash, escapes) as sent.
 */
export function requestPath(rest: string): string {
  return `/${rest.replace(/^\/+/, '')}`;
}

/**
 * Finds the resource and method for a request path (as returned by {@link requestPath}).
 *
 * Trailing slashes are ignored. At each level a literal path part (compared with the percent-decoded segment) is
 * tried before a `{param}`, and a `{param}` before a greedy `{proxy+}`, which takes the rest of the path (inner
 * empty segments included) but never matches its parent: `/{proxy+}` does not answer `/`. If the best-matching
 * resource lacks the method (and `ANY`), the next match in that order is tried, as a router over every
 * method's path does; when none has it, the answer is 403 Missing Authentication Token, as for no match at all.
 *
 * A segment that is `.` or `..` (even percent-encoded), or whose escapes are malformed or encode invalid UTF-8,
 * matches nothing: such paths answer that same 403 and never reach a function. AWS's behaviour for them is not
 * recorded; this keeps every answer clean and no path parameter able to climb out of its resource.
 *
 * @returns `undefined` when nothing matches
 */
export function matchRoute(root: ApiResource, path: string, httpMethod: string): RouteMatch | undefined {
  const trimmed = path.replace(/\/+$/, '');
  const segments = trimmed === '' ? [] : trimmed.slice(1).split('/');
  const decoded: string[] = [];
  for (const segment of segments) {
    const text = decodePathSegment(segment);
    if (text === undefined || text === '.' || text === '..') return undefined;
    decoded.push(text);
  }
  for (const [resource, pathParameters] of candidates(root, segments, decoded, 0, {})) {
    const method = methodOf(resource, httpMethod);
    if (method !== undefined) return { resource, method, pathParameters };
  }
  return undefined;
}

function methodOf(resource: ApiResource, httpMethod: string): ApiMethod | undefined {
  return resource.methods.get(httpMethod) ?? (ANY_METHODS.has(httpMethod) ? resource.methods.get('ANY') : undefined);
}

type Candidate = readonly [ApiResource, Readonly<Record<string, string>>];

function* candidates(
  node: ApiResource,
  segments: readonly string[],
  decoded: readonly string[],
  index: number,
  parameters: Readonly<Record<string, string>>,
): Generator<Candidate> {
  if (index === segments.length) {
    yield [node, parameters];
    return;
  }
  const segment = segments[index]!;
  if (segment !== '') {
    for (const child of node.children) {
      if (parameterName(child.pathPart) === undefined && child.pathPart === decoded[index]) {
        yield* candidates(child, segments, decoded, index + 1, parameters);
      }
    }
    for (const child of node.children) {
      const name = parameterName(child.pathPart);
      if (name !== undefined && !isGreedy(child.pathPart)) {
        yield* candidates(child, segments, decoded, index + 1, withParameter(parameters, name, segment));
      }
    }
  }
  for (const child of node.children) {
    const name = parameterName(child.pathPart);
    if (name !== undefined && isGreedy(child.pathPart)) {
      yield [child, withParameter(parameters, name, segments.slice(index).join('/'))];
    }
  }
}

/** `id` for `{id}` and `proxy` for `{proxy+}`; `undefined` for a literal path part. */
function parameterName(pathPart: string): string | undefined {
  const match = /^\{([^{}]+?)\+?\}$/.exec(pathPart);
  return match?.[1];
}

function isGreedy(pathPart: string): boolean {
  return pathPart.endsWith('+}');
}

function withParameter(
  parameters: Readonly<Record<string, string>>,
  name: string,
  value: string,
): Readonly<Record<string, string>> {
  return Object.fromEntries([...Object.entries(parameters), [name, value]]);
}
