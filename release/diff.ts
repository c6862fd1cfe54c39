/**
 * A unified diff of two texts (`---`/`+++` headers, `@@` hunks with `context` unchanged lines around each change),
 * or `''` when they are equal. Lines are compared whole; line endings are not shown.
 */
export function unifiedDiff(label: string, before: string, after: string, context = 2): string {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  const ops = lineOps(a, b);
  const changed = ops.map((op, i) => (op.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return '';

  // group changes whose context would touch into one hunk
  const hunks: Array<[number, number]> = [];
  for (const i of changed) {
    const last = hunks.at(-1);
    if (last && i - last[1] <= 2 * context + 1) last[1] = i;
    else hunks.push([i, i]);
  }

  const out = [`--- ${label}`, `+++ ${label}`];
  for (const [first, lastChange] of hunks) {
    const start = Math.max(0, first - context);
    const end = Math.min(ops.length - 1, lastChange + context);
    const slice = ops.slice(start, end + 1);
    const oldStart = ops[start]!.oldLine;
    const newStart = ops[start]!.newLine;
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of slice) out.push(`${op.kind}${op.text}`);
  }
  return out.join('\n');
}

/** One line of the diff: kept (` `), removed (`-`) or added (`+`), with its 1-based line numbers. */
interface LineOp {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
  readonly oldLine: number;
  readonly newLine: number;
}

/** A longest-common-subsequence line diff; `cdk.json` is a few hundred lines, so the quadratic table is cheap. */
function lineOps(a: readonly string[], b: readonly string[]): LineOp[] {
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: LineOp[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i]!, oldLine: ++i, newLine: ++j });
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ kind: '-', text: a[i]!, oldLine: ++i, newLine: j + 1 });
    } else {
      ops.push({ kind: '+', text: b[j]!, oldLine: i + 1, newLine: ++j });
    }
  }
  return ops;
}

/** One changed leaf value between two JSON values: its dotted key, and the values before and after. */
export interface ValueChange {
  readonly key: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** The leaf values that differ between two JSON values, keyed by dotted path under `prefix`, in `after`'s order. */
export function valueChanges(before: unknown, after: unknown, prefix = ''): ValueChange[] {
  if (isObject(before) || isObject(after)) {
    const b = isObject(before) ? before : {};
    const a = isObject(after) ? after : {};
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => valueChanges(b[k], a[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ key: prefix, before, after }];
}

/** `v1.versions.hello: 1 → 2`, `(none)` for a value that is added or removed. */
export function formatChange(change: ValueChange): string {
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return `${change.key}: ${show(change.before)} → ${show(change.after)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
