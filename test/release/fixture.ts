import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JSONPath } from 'jsonc-parser';
import { applyEdits, findNodeAtLocation, modify, parseTree } from 'jsonc-parser';
import type { CliEnvironment } from '../../release/cli';
import { main } from '../../release/cli';
import { PROJECT_ROOT } from '../support/template';

/** The stack of the default deployment environment. */
export const STACK = 'ServerlessApi-default';
/** The clock `promote` reads in tests. */
export const NOW = new Date('2025-01-31T09:30:00.123Z');

/** The release state every CLI test starts from: beta follows latest, v1 on 1 with a 10% canary on 1. */
export const START_RELEASES = {
  beta: { versions: { hello: 'latest', faq: 'latest', authorizer: 'latest' } },
  v1: {
    versions: { hello: 1, faq: 1, authorizer: 1 },
    canary: { alias: 'candidate', percentTraffic: 10, versions: { hello: 1, faq: 1, authorizer: 1 } },
  },
};

/** JSON path of a stage's release block in cdk.json. */
export const releaseAt = (stage: string, env = 'default'): JSONPath => [
  'context',
  'api',
  'environments',
  env,
  'releases',
  stage,
];

/**
 * The project's committed cdk.json, with its release block set to {@link START_RELEASES}, so tests keep the real
 * file's formatting and feature flags but not whatever release the project is on.
 */
export function startCdkJson(): string {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8');
  const at = ['context', 'api', 'environments', 'default', 'releases'];
  return applyEdits(
    text,
    modify(text, at, START_RELEASES, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } }),
  );
}

/** A temporary project directory holding a cdk.json (none when `cdkJson` is `null`). */
export function tempProject(cdkJson: string | null = startCdkJson()): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-test-'));
  created.push(dir);
  if (cdkJson !== null) fs.writeFileSync(path.join(dir, 'cdk.json'), cdkJson);
  return dir;
}

const created: string[] = [];

/** Removes every project {@link tempProject} created; call it from `afterAll`. */
export function removeTempProjects(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes a cloud assembly with one stack template into `<dir>/cdk.out`, with a manifest as the CDK writes it. */
export function writeAssembly(dir: string, template: unknown, stack = STACK): void {
  const out = path.join(dir, 'cdk.out');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, `${stack}.template.json`), JSON.stringify(template));
  fs.writeFileSync(
    path.join(out, 'manifest.json'),
    JSON.stringify({
      artifacts: {
        [stack]: { type: 'aws:cloudformation:stack', properties: { templateFile: `${stack}.template.json` } },
      },
    }),
  );
}

/** Writes the local API's version store entry of a function. */
export function writeLocalVersions(dir: string, logicalId: string, store: unknown, stack = STACK): string {
  const folder = path.join(dir, '.local-api', stack, logicalId);
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'versions.json');
  fs.writeFileSync(file, JSON.stringify(store));
  return file;
}

export interface TemplateOptions {
  /** Version of each alias by function and alias name: a number pins it, `latest` refers to the current version. */
  readonly aliases?: Partial<Record<'hello' | 'faq' | 'authorizer', Record<string, number | 'latest'>>>;
  /** The v1 canary's percentage; `undefined` leaves the canary setting out. */
  readonly canaryPercent?: number;
  /** Leave out the `aws:cdk:path` metadata, as a deploy with `--path-metadata false` would. */
  readonly withoutMetadata?: boolean;
  readonly stack?: string;
}

/** The logical ids the real stack gives its functions. */
export const FUNCTION_IDS = { hello: 'HelloAD23A60E', faq: 'Faq434E746C', authorizer: 'Authorizer86142796' } as const;

/** A template shaped like the stack's: the three functions, their versions and aliases, and the two stages. */
export function stackTemplate(options: TemplateOptions = {}): Record<string, any> {
  const stack = options.stack ?? STACK;
  const aliases = options.aliases ?? {
    hello: { beta: 'latest', v1: 1, candidate: 1 },
    faq: { beta: 'latest', v1: 1, candidate: 1 },
    authorizer: { beta: 'latest', v1: 1, candidate: 1 },
  };
  const resources: Record<string, unknown> = {};
  for (const fn of ['hello', 'faq', 'authorizer'] as const) {
    const fnAliases = aliases[fn];
    // a function the options leave out is not in the template
    if (fnAliases === undefined) continue;
    const id = FUNCTION_IDS[fn];
    const name = fn[0]!.toUpperCase() + fn.slice(1);
    const metadata = (p: string) => (options.withoutMetadata ? {} : { Metadata: { 'aws:cdk:path': `${stack}/${p}` } });
    resources[id] = { Type: 'AWS::Lambda::Function', Properties: {}, ...metadata(`${name}/Resource/Resource`) };
    resources[`${name}CurrentVersion0123ABCD`] = {
      Type: 'AWS::Lambda::Version',
      Properties: { FunctionName: { Ref: id } },
    };
    for (const [alias, version] of Object.entries(fnAliases)) {
      resources[`${name}${alias}Alias`] = {
        Type: 'AWS::Lambda::Alias',
        Properties: {
          FunctionName: { Ref: id },
          Name: alias,
          FunctionVersion:
            version === 'latest' ? { 'Fn::GetAtt': [`${name}CurrentVersion0123ABCD`, 'Version'] } : String(version),
        },
      };
    }
  }
  resources.ApiBetaStage = { Type: 'AWS::ApiGateway::Stage', Properties: { StageName: 'beta' } };
  resources.ApiV1Stage = {
    Type: 'AWS::ApiGateway::Stage',
    Properties: {
      StageName: 'v1',
      ...(options.canaryPercent === undefined
        ? {}
        : {
            CanarySetting: {
              PercentTraffic: options.canaryPercent,
              StageVariableOverrides: { lambdaAlias: 'candidate' },
            },
          }),
    },
  };
  return { Resources: resources };
}

/** What one CLI run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI's main function in-process, in `cwd`, with the test clock. */
export async function runCli(
  argv: readonly string[],
  cwd: string,
  environment: Partial<CliEnvironment> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    cwd,
    now: () => NOW,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    awsClients: () => {
      throw new Error('this test must not reach AWS');
    },
    ...environment,
  });
  return { code, stdout, stderr };
}

/** The exact text of the JSON value at a path. */
export function textAt(text: string, at: JSONPath): string {
  const node = findNodeAtLocation(parseTree(text)!, at);
  if (!node) throw new Error(`nothing at ${at.join('.')}`);
  return text.slice(node.offset, node.offset + node.length);
}

/** The text before and after the JSON value at a path: what an edit of that value must leave byte for byte. */
export function around(text: string, at: JSONPath): [string, string] {
  const node = findNodeAtLocation(parseTree(text)!, at)!;
  return [text.slice(0, node.offset), text.slice(node.offset + node.length)];
}

/** A value as the file's formatter writes it at the indentation of the line it starts on (2 spaces a level). */
export function formatted(text: string, at: JSONPath, value: unknown): string {
  const node = findNodeAtLocation(parseTree(text)!, at)!;
  const lineStart = text.lastIndexOf('\n', node.offset) + 1;
  const indent = /^\s*/.exec(text.slice(lineStart))![0];
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
}
