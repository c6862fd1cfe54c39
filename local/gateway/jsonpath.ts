/** A JSONPath expression `$input.json` or `$input.path` cannot evaluate. */
export class JsonPathError extends Error {
  override readonly name = 'JsonPathError';
}

type Step =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' };

/**
 * Evaluates the JSONPath subset mapping templates use: `$`, `.key`, `['key']` or `["key"]`, `[n]` (negative from
 * the end), and `*` or `[*]` over an object's values or a list's items. Recursive descent, filters and slices are
 * not supported and throw, so a template using them fails visibly instead of rendering something else.
 *
 * @returns the value at the path (a list of every value when the path has a wildcard), or `undefined` if nothing
 * is there
 */
export function evaluateJsonPath(root: unknown, path: string): unknown {
  const steps = parseJsonPath(path);
  let nodes: unknown[] = [root];
  for (const step of steps) {
    nodes = nodes.flatMap((node) => apply(step, node));
  }
  if (steps.some((step) => step.kind === 'wildcard')) return nodes;
  return nodes[0];
}

function apply(step: Step, node: unknown): unknown[] {
  if (typeof node !== 'object' || node === null) return [];
  if (step.kind === 'wildcard') return Array.isArray(node) ? node : Object.values(node);
  if (step.kind === 'index') {
    if (!Array.isArray(node)) return [];
    const item: unknown = node[step.index < 0 ? node.length + step.index : step.index];
    return item === undefined ? [] : [item];
  }
  if (!Object.prototype.hasOwnProperty.call(node, step.key)) return [];
  return [(node as Record<string, unknown>)[step.key]];
}

function parseJsonPath(path: string): Step[] {
  const text = path.trim();
  if (!text.startsWith('$')) throw new JsonPathError(`JSONPath must start with $, got ${JSON.stringify(path)}`);
  const steps: Step[] = [];
  let i = 1;
  while (i < text.length) {
    const rest = text.slice(i);
    const match = rest.startsWith('..')
      ? null
      : (/^\.\*/.exec(rest) ??
        /^\.([^.[\]]+)/.exec(rest) ??
        /^\[\s*\*\s*\]/.exec(rest) ??
        /^\[\s*(-?\d+)\s*\]/.exec(rest) ??
        /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest) ??
        /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest));
    if (match === null) {
      throw new JsonPathError(`unsupported JSONPath ${JSON.stringify(path)} at ${JSON.stringify(rest)}`);
    }
    const [token, captured] = match;
    if (token === '.*' || (token.startsWith('[') && captured === undefined)) {
      steps.push({ kind: 'wildcard' });
    } else if (/^\[\s*-?\d+\s*\]$/.test(token)) {
      steps.push({ kind: 'index', index: Number(captured) });
    } else {
      steps.push({ kind: 'key', key: token.startsWith('[') ? captured!.replace(/\\(.)/g, '$1') : captured! });
    }
    i += token.length;
  }
  return steps;
}
