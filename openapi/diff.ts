import * as openapiDiff from 'openapi-diff';
import type { OpenApiDocument } from './export';

/** One change between two documents, as openapi-diff classifies it. */
export interface DocumentChange {
  readonly type: 'breaking' | 'non-breaking' | 'unclassified';
  /** `path.remove`, `method.add`, `request.body.scope.remove`, … */
  readonly code: string;
  /** Where, in the base document for a removal and in the pull request's for an addition: `paths./api/faq/{id}`. */
  readonly location: string;
}

/**
 * The changes from `base` to `head` by openapi-diff (Atlassian), breaking ones first: removed paths, methods,
 * status codes or accepted body shapes break a client; additions do not.
 */
export async function diffDocuments(base: OpenApiDocument, head: OpenApiDocument): Promise<DocumentChange[]> {
  const spec = (document: OpenApiDocument, location: string): openapiDiff.SpecOption => ({
    content: JSON.stringify(document),
    location,
    format: 'swagger' in document ? 'swagger2' : 'openapi3',
  });
  const outcome = await openapiDiff.diffSpecs({
    sourceSpec: spec(base, 'base'),
    destinationSpec: spec(head, 'head'),
  });
  const all = [
    ...(outcome.breakingDifferencesFound ? outcome.breakingDifferences : []),
    ...outcome.nonBreakingDifferences,
    ...outcome.unclassifiedDifferences,
  ];
  return all.map((difference) => ({
    type: difference.type,
    code: difference.code,
    location: [...difference.sourceSpecEntityDetails, ...difference.destinationSpecEntityDetails]
      .map((details) => details.location)
      .filter((location, index, list) => list.indexOf(location) === index)
      .join(', '),
  }));
}

/** A stage's section of the job summary: a heading saying how many breaking changes, and a table of the changes. */
export function describeChanges(stage: string, changes: readonly DocumentChange[]): string {
  if (changes.length === 0) {
    return `### ${stage}: no changes\n`;
  }
  const breaking = changes.filter((change) => change.type === 'breaking').length;
  const heading =
    breaking === 0
      ? `### ${stage}: ${plural(changes.length, 'change')}, none breaking`
      : `### ${stage}: ⚠️ ${plural(breaking, 'breaking change')} (of ${changes.length})`;
  const rows = changes.map(
    (change) =>
      `| ${change.type === 'breaking' ? '⚠️ breaking' : change.type} | \`${change.code}\` | \`${escapeCell(change.location)}\` |`,
  );
  return [heading, '', '| | change | where |', '| --- | --- | --- |', ...rows, ''].join('\n');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/`/g, "'");
}
