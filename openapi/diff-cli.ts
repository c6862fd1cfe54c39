/**
 * `tsx openapi/diff-cli.ts <stage> <base.json> <head.json>`: prints the stage's section of the pull request's
 * OpenAPI summary (.ci/openapi-diff), Markdown. Exits 0 whatever it finds (breaking changes are flagged, not
 * failed: the reviewer decides), 1 when a document cannot be read or diffed.
 */
import * as fs from 'node:fs';
import { describeChanges, diffDocuments } from './diff';
import type { OpenApiDocument } from './export';

async function main(argv: readonly string[]): Promise<number> {
  const [stage, baseFile, headFile, ...rest] = argv;
  if (stage === undefined || baseFile === undefined || headFile === undefined || rest.length > 0) {
    console.error('usage: tsx openapi/diff-cli.ts <stage> <base.json> <head.json>');
    return 2;
  }
  const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as OpenApiDocument;
  try {
    process.stdout.write(describeChanges(stage, await diffDocuments(read(baseFile), read(headFile))));
    return 0;
  } catch (error) {
    console.error(`error: cannot diff the ${stage} documents: ${(error as Error).message.split('\n')[0]}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
