import * as path from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { FunctionName, StageConfig, StageName } from '../lib/config';
import { apiStackName, DEFAULT_ENVIRONMENT, FUNCTION_NAMES, STAGE_NAMES } from '../lib/config';
import { pascalCase } from '../lib/naming';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { FlagOption, ParsedArgs, ValueOption } from './args';
import { functionArg, parseArgs, percentArg, stageArg, urlArg, versionArg, windowArg } from './args';
import type { AwsClients } from './aws';
import { DeployedStack } from './aws';
import type { VersionTargets } from './commands';
import { planCanary, planPromote, planRollback, releaseKey } from './commands';
import type { ConfigFile, ReleaseEdit } from './config-file';
import { editRelease, rawRelease, readConfigFile, saveConfigFile, withConfigLock } from './config-file';
import { formatChange, unifiedDiff, valueChanges } from './diff';
import { ReleaseError, UsageError } from './errors';
import type { GateReadings } from './gate';
import { decide, renderGate, VERDICT_EXIT } from './gate';
import { deployedReadings } from './gate-deployed';
import { DEFAULT_LOCAL_URL, LOCAL_METRICS_FILE, localReadings, readLocalMetrics } from './gate-local';
import { ageMinutes, describeGateRecord, GATE_RECORD_FILE, readGateRecord, writeGateRecord } from './gate-record';
import type { LocalVersion } from './local-store';
import { LOCAL_STORE_DIR, readLocalVersions } from './local-store';
import type { DeployedRelease } from './status';
import { renderStatus, statusRows } from './status';
import { readAssemblyTemplate } from './template';

/** Where the CLI writes; `process.stdout` and `process.stderr` fit. */
export interface Output {
  write(text: string): unknown;
}

/** What the CLI needs from its surroundings; tests inject each part. */
export interface CliEnvironment {
  /** Directory `--config` and `--assembly` are relative to. */
  readonly cwd: string;
  readonly stdout: Output;
  readonly stderr: Output;
  /** The clock `promote` records `promotedAt` from. */
  readonly now: () => Date;
  /** The AWS clients `--deployed` uses, for the environment block's region (or the SDK's default when unset). */
  readonly awsClients: (region: string | undefined) => AwsClients;
}

/**
 * Exit codes: done, refused input (the config untouched), bad command line; and the gate's verdicts: promote (0),
 * hold (3), rollback (4).
 */
export const EXIT = { ok: 0, refused: 1, usage: 2, hold: VERDICT_EXIT.hold, rollback: VERDICT_EXIT.rollback } as const;

const PROGRAM = 'npm run release --';
const STAGES = STAGE_NAMES.join(', ');
const FUNCTIONS = FUNCTION_NAMES.join(', ');
const COMMON_OPTIONS: readonly ValueOption[] = ['env', 'config', 'assembly'];

interface CommandSpec {
  readonly usage: string;
  readonly summary: string;
  readonly details: string;
  readonly options: readonly (ValueOption | Exclude<FlagOption, 'help'>)[];
  readonly takesStage: boolean;
}

const COMMANDS = {
  status: {
    usage: 'status [--deployed]',
    summary: 'what every alias serves: in the config, the synthesized template and, with --deployed, AWS',
    details: `For each stage and function: the alias, its share of the stage's traffic, the version the config pins
(or "latest", with the number the local API published for it when it has run), the version in the template
synthesized in cdk.out, and with --deployed what the deployed alias serves (Lambda GetAlias; the canary percentage
comes from the deployed template). Then the canaries, the rollback records, and any drift between the three.`,
    options: ['deployed'],
    takesStage: false,
  },
  promote: {
    usage: 'promote <stage> (--version N | --from STAGE) [--function NAME] [--deployed] [--require-gate]',
    summary: "pin a stage's aliases to a version, close its canary, and record what it served for rollback",
    details: `Pins the stage's alias of every function (or of --function NAME) to version N, or to what another stage
serves (--from beta). A "latest" there is resolved to a number: with --deployed from the deployed alias, otherwise
from the local API's version store (${LOCAL_STORE_DIR}/, written by npm start). Closes the stage's canary
(percentTraffic 0, setting kept) and records the versions the stage served until now under "previous", so that
rollback works on any clone. With --deployed, refuses a version the deployed function does not have.
Prints the gate's last verdict on the stage when there is one (${GATE_RECORD_FILE}), and refuses nothing because
of it, unless --require-gate: then it refuses unless that verdict is promote, is no older than the window it read,
and judged the very versions being pinned.`,
    options: ['version', 'from', 'function', 'deployed', 'require-gate'],
    takesStage: true,
  },
  canary: {
    usage: 'canary <stage> --percent P [--version N | --from STAGE] [--function NAME] [--deployed]',
    summary: "open, move or close a stage's canary",
    details: `Sends P percent (0 to 100, 0 closes it) of the stage's requests to its candidate alias, and with --version
or --from points the candidate alias of every function (or of --function NAME) at that version. Opening a closed
canary for one function puts the other functions' candidates on what the stage serves. Only stages with a canary
block have one. "latest" in --from, and --deployed, work as for promote.`,
    options: ['percent', 'version', 'from', 'function', 'deployed'],
    takesStage: true,
  },
  rollback: {
    usage: 'rollback <stage> [--deployed]',
    summary: 'pin a stage back to the versions it served before its last promotion',
    details: `Pins the stage's aliases to the versions recorded under "previous" by the last promote, and removes the
record: a second rollback is refused instead of flipping back to the promoted versions (promote again to go
forward). The canary is left as it is. With --deployed, refuses versions the deployed functions no longer have.
Prints the gate's last verdict on the stage when there is one, and refuses nothing because of it.`,
    options: ['deployed'],
    takesStage: true,
  },
  gate: {
    usage: 'gate <stage> (--deployed [--window 15m] | --local [--url URL])',
    summary: "judge a stage's canary from its metrics: promote, hold or rollback (exit 0, 3, 4)",
    details: `Reads the stage's base and canary channels and each function's stage and candidate aliases (requests,
5XX or function errors, p99 latency), and the API's alarms, then applies the rules of api.gate in cdk.json in
order, the first that fails deciding: an alarm of the canary in ALARM → rollback; fewer canary requests than
minCanaryRequests → hold; a canary 5XX rate more than maxErrorRateIncreasePoints above the base's → rollback; a
canary p99 above maxP99Ratio times the base's (and more than minP99IncreaseMs above it) → rollback; else promote.
Prints the table, every rule's result, and last the verdict and the rule that decided. Records the verdict in
${GATE_RECORD_FILE} for promote and rollback.
  --deployed      CloudWatch over the window (--window, default api.gate.window): the access-log metrics
                  (StagedServerlessApi), AWS/Lambda per alias, and the alarms named <apiName>-<env>-*
  --local         the local API's counters (npm start), since it started or was last reset
                  (POST /_local/metrics/reset): GET <url>/_local/metrics, or ${LOCAL_METRICS_FILE} when nothing
                  answers there (it says which it read)
  --url URL       where the local API listens (default: ${DEFAULT_LOCAL_URL})
Exit codes: 0 promote, 3 hold, 4 rollback; 1 refused, 2 usage error.`,
    options: ['deployed', 'window', 'local', 'url'],
    takesStage: true,
  },
} as const satisfies Record<string, CommandSpec>;

type CommandName = keyof typeof COMMANDS;

const GENERAL_HELP = `Usage: ${PROGRAM} <command> [options]

Edits the version config in cdk.json (api.environments.<env>.releases) and nothing else, keeping its formatting,
validates it as the app does, prints the change, and says what to run next (npx cdk diff, npx cdk deploy).
gate edits nothing: it judges a canary from its metrics and records the verdict in ${GATE_RECORD_FILE}.

Commands:
${Object.entries(COMMANDS)
  .map(([name, spec]) => `  ${name.padEnd(10)}${spec.summary}`)
  .join('\n')}

Options:
  --env NAME       deployment environment, as cdk -c env=NAME (default: ${DEFAULT_ENVIRONMENT})
  --config PATH    the cdk.json to edit (default: ./cdk.json)
  --assembly DIR   the synthesized cloud assembly (default: cdk.out beside cdk.json)
  --deployed       also ask AWS (credentials and region from the usual AWS SDK chain)
  -h, --help       this help; ${PROGRAM} <command> --help for one command

Stages: ${STAGES}. Functions: ${FUNCTIONS}.
Exit codes: 0 done (or nothing to change; gate: promote), 1 refused (cdk.json untouched), 2 usage error,
3 gate: hold, 4 gate: rollback.`;

function commandHelp(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  const summary = spec.summary.charAt(0).toUpperCase() + spec.summary.slice(1);
  return [
    `Usage: ${PROGRAM} ${spec.usage}`,
    `       [--env NAME] [--config PATH] [--assembly DIR]`,
    '',
    `${summary}.`,
    '',
    spec.details,
  ].join('\n');
}

/**
 * Runs the release CLI on a command line (without `node` and the script) and returns its exit code. Refusals
 * and usage errors are one line on stderr; nothing is written to `cdk.json` unless the whole change is valid.
 */
export async function main(argv: readonly string[], environment: Partial<CliEnvironment> = {}): Promise<number> {
  const env: CliEnvironment = {
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    now: () => new Date(),
    awsClients: defaultAwsClients,
    ...environment,
  };
  try {
    return await run(parseArgs(argv), env);
  } catch (error) {
    if (error instanceof UsageError) {
      env.stderr.write(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof ReleaseError) {
      env.stderr.write(`error: ${error.message}\n`);
      return EXIT.refused;
    }
    throw error;
  }
}

async function run(args: ParsedArgs, env: CliEnvironment): Promise<number> {
  const { command, positionals, flags } = args;
  if (command === undefined || command === 'help') {
    const topic = command === 'help' ? positionals[0] : undefined;
    if (topic !== undefined) {
      env.stdout.write(`${commandHelp(commandName(topic))}\n`);
      return EXIT.ok;
    }
    if (command === undefined && !flags.has('help')) {
      throw new UsageError(`missing command; commands: ${Object.keys(COMMANDS).join(', ')} (see --help)`);
    }
    env.stdout.write(`${GENERAL_HELP}\n`);
    return EXIT.ok;
  }
  const name = commandName(command);
  if (flags.has('help')) {
    env.stdout.write(`${commandHelp(name)}\n`);
    return EXIT.ok;
  }
  checkCommandLine(name, args);
  // status and gate read cdk.json and write nothing of it: no lock to wait for
  if (name === 'status' || name === 'gate') {
    const session = openSession(args, env);
    return name === 'status' ? status(session) : gate(session, args);
  }
  // from the read to the write: commands run at once take turns, each editing what the previous one wrote
  const { configPath, label } = configFileOf(args, env);
  return withConfigLock(configPath, label, async () => {
    const session = openSession(args, env);
    switch (name) {
      case 'promote':
        return promote(session, args);
      case 'canary':
        return canary(session, args);
      case 'rollback':
        return rollback(session, args);
    }
  });
}

/** Refuses options the command does not take, and missing or extra arguments, before anything is read. */
function checkCommandLine(name: CommandName, { positionals, values, flags }: ParsedArgs): void {
  const spec: CommandSpec = COMMANDS[name];
  for (const option of [...Object.keys(values), ...flags] as CommandSpec['options'][number][]) {
    if (!COMMON_OPTIONS.includes(option as ValueOption) && !spec.options.includes(option)) {
      throw new UsageError(`${name} does not take --${option}; usage: ${spec.usage}`);
    }
  }
  const expected = spec.takesStage ? 1 : 0;
  if (positionals.length < expected) throw new UsageError(`${name} needs a stage (${STAGES}); usage: ${spec.usage}`);
  if (positionals.length > expected) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[expected])}; usage: ${spec.usage}`);
  }
  const hasSource = values.version !== undefined || values.from !== undefined;
  if (values.version !== undefined && values.from !== undefined) {
    throw new UsageError(`give --version or --from, not both; usage: ${spec.usage}`);
  }
  if (name === 'promote' && !hasSource) {
    throw new UsageError(`promote needs --version N or --from STAGE; usage: ${spec.usage}`);
  }
  if (name === 'canary' && values.percent === undefined) {
    throw new UsageError(`canary needs --percent P (0 closes the canary); usage: ${spec.usage}`);
  }
  if (name === 'canary' && values.function !== undefined && !hasSource) {
    throw new UsageError(`canary --function needs --version N or --from STAGE; usage: ${spec.usage}`);
  }
  if (name === 'gate') checkGateLine(spec, values, flags);
}

function checkGateLine(spec: CommandSpec, values: ParsedArgs['values'], flags: ParsedArgs['flags']): void {
  const local = flags.has('local');
  if (local === flags.has('deployed')) {
    throw new UsageError(
      local
        ? `give --local or --deployed, not both; usage: ${spec.usage}`
        : `gate needs --deployed (CloudWatch) or --local (the local API); usage: ${spec.usage}`,
    );
  }
  if (!local && values.url !== undefined) throw new UsageError(`--url goes with --local; usage: ${spec.usage}`);
  if (local && values.window !== undefined) {
    throw new UsageError(
      '--window goes with --deployed: --local judges what the local API counted since it started or was last ' +
        'reset (POST /_local/metrics/reset)',
    );
  }
  // refused before cdk.json or AWS is read
  if (values.window !== undefined) windowArg(values.window);
  if (values.url !== undefined) urlArg(values.url);
}

/** The stage a command changes, the function it is limited to, and the versions `--version`/`--from` name. */
async function releaseArgs(session: Session, { positionals, values }: ParsedArgs, notes: string[]) {
  const stage = stageArg(positionals[0]!);
  const scope = values.function === undefined ? undefined : functionArg(values.function);
  const version = values.version === undefined ? undefined : versionArg(values.version);
  const from = values.from === undefined ? undefined : stageArg(values.from, '--from');
  if (from === stage) throw new ReleaseError(`--from names the stage being changed (${stage}); name another stage`);
  const targets =
    version !== undefined || from !== undefined
      ? await targetVersions(session, scope, version, from, notes)
      : undefined;
  if (targets) await requireVersions(session, Object.keys(targets) as FunctionName[], (fn) => targets[fn]!);
  return { stage, current: stageOf(session, stage), scope, targets };
}

async function promote(session: Session, args: ParsedArgs): Promise<number> {
  const notes: string[] = [];
  const { stage, current, targets } = await releaseArgs(session, args, notes);
  notes.push(...lastVerdict(session, stage, args.flags.has('require-gate') ? targets! : undefined));
  return write(session, stage, planPromote(current, targets!, session.env.now()), notes);
}

/**
 * The gate's last verdict on the stage, as a note; with `required` (the versions being pinned), refuses unless it
 * is `promote`, no older than its window, and judged those very versions.
 */
function lastVerdict(session: Session, stage: StageName, required?: VersionTargets): string[] {
  const record = readGateRecord(session.projectDir, session.file.environmentName, stage);
  const now = session.env.now();
  if (required === undefined) return record ? [describeGateRecord(stage, record, now)] : [];
  const refuse = (why: string) => {
    throw new ReleaseError(`--require-gate: ${why}; ${session.file.label} is untouched`);
  };
  if (!record) return refuse(`no gate verdict on ${stage} (${GATE_RECORD_FILE}): run npm run release -- gate ${stage}`);
  const line = describeGateRecord(stage, record, now);
  if (record.verdict !== 'promote') refuse(line);
  if (ageMinutes(record, now) > record.windowMinutes) {
    refuse(`${line}, older than its ${record.windowMinutes}m window: run the gate again`);
  }
  const judged = (Object.keys(required) as FunctionName[]).filter((fn) => record.candidate[fn] !== required[fn]);
  if (judged.length > 0) {
    const show = (fn: FunctionName) => `${fn} ${String(record.candidate[fn])}`;
    refuse(
      `the gate judged the candidate ${judged.map(show).join(', ')}, not the ` +
        `${judged.map((fn) => `${fn} ${required[fn]!}`).join(', ')} being pinned`,
    );
  }
  return [line];
}

async function gate(session: Session, { positionals, values, flags }: ParsedArgs): Promise<number> {
  const stage = stageArg(positionals[0]!);
  const { config } = session.file;
  const stageCanary = stageOf(session, stage).canary;
  if (!stageCanary) {
    const withCanary = config.stages.filter((s) => s.canary).map((s) => s.name);
    throw new ReleaseError(`the ${stage} stage has no canary to judge; stages with a canary: ${withCanary.join(', ')}`);
  }
  const rules = config.gate;
  const windowMinutes = values.window === undefined ? rules.windowMinutes : windowArg(values.window);
  const now = session.env.now();
  let readings: GateReadings;
  if (flags.has('local')) {
    const url = values.url === undefined ? DEFAULT_LOCAL_URL : urlArg(values.url);
    readings = localReadings(await readLocalMetrics(url, session.projectDir), stage, stageCanary.alias);
  } else {
    readings = await deployedReadings(session.deployed!, config, stage, stageCanary.alias, windowMinutes, now);
  }
  const decision = decide(readings, rules);
  writeGateRecord(session.projectDir, session.file.environmentName, stage, {
    verdict: decision.verdict,
    ...(decision.rule !== undefined && { rule: decision.rule }),
    reason: decision.reason,
    source: flags.has('local') ? 'local' : 'deployed',
    decidedAt: now.toISOString(),
    window: readings.window,
    windowMinutes,
    candidate: stageCanary.versions,
  });
  session.env.stdout.write(`${renderGate(readings, rules, decision)}
`);
  return VERDICT_EXIT[decision.verdict];
}

async function canary(session: Session, args: ParsedArgs): Promise<number> {
  const percent = percentArg(args.values.percent!);
  const notes: string[] = [];
  const { stage, current, scope, targets } = await releaseArgs(session, args, notes);
  const where = releaseKey(session.file.environmentName, stage);
  const canaryStages = session.file.config.stages.filter((s) => s.canary).map((s) => s.name);
  return write(session, stage, planCanary(current, percent, targets, scope, where, canaryStages), notes);
}

async function rollback(session: Session, args: ParsedArgs): Promise<number> {
  const { stage, current } = await releaseArgs(session, args, []);
  const edits = planRollback(current, releaseKey(session.file.environmentName, stage));
  const recorded = current.previous!.versions;
  await requireVersions(session, FUNCTION_NAMES, (fn) => recorded[fn]);
  return write(session, stage, edits, lastVerdict(session, stage));
}

interface Session {
  readonly env: CliEnvironment;
  readonly file: ConfigFile;
  /** The directory of cdk.json: the project, where `.local-api/` and `cdk.out/` live. */
  readonly projectDir: string;
  readonly assemblyDir: string;
  readonly stackName: string;
  readonly deployed?: DeployedStack;
  /** The local API's versions, read once when first needed. */
  local?: Partial<Record<FunctionName, LocalVersion>>;
}

/** The `cdk.json` a command reads (`--config`, or the one in the working directory), and how messages name it. */
function configFileOf(args: ParsedArgs, env: CliEnvironment): { configPath: string; label: string } {
  const configPath = path.resolve(env.cwd, args.values.config ?? 'cdk.json');
  return { configPath, label: path.relative(env.cwd, configPath) || configPath };
}

function openSession(args: ParsedArgs, env: CliEnvironment): Session {
  const { configPath, label } = configFileOf(args, env);
  const file = readConfigFile(configPath, args.values.env ?? DEFAULT_ENVIRONMENT, label);
  const projectDir = path.dirname(configPath);
  const stackName = apiStackName(file.environmentName);
  return {
    env,
    file,
    projectDir,
    assemblyDir: path.resolve(env.cwd, args.values.assembly ?? path.join(projectDir, 'cdk.out')),
    stackName,
    deployed: args.flags.has('deployed') ? new DeployedStack(env.awsClients(file.config.region), stackName) : undefined,
  };
}

function stageOf(session: Session, stage: StageName): StageConfig {
  return session.file.config.stages.find((s) => s.name === stage)!;
}

/** The versions `--version` or `--from` name, for the function in scope or all of them. */
async function targetVersions(
  session: Session,
  scope: FunctionName | undefined,
  version: number | undefined,
  from: StageName | undefined,
  notes: string[],
): Promise<VersionTargets> {
  const targets: Partial<Record<FunctionName, number>> = {};
  const resolved: string[] = [];
  for (const fn of scope === undefined ? FUNCTION_NAMES : [scope]) {
    const selector = version ?? stageOf(session, from!).versions[fn];
    if (selector !== 'latest') {
      targets[fn] = selector;
      continue;
    }
    targets[fn] = await latestOf(session, fn, from!);
    resolved.push(`${fn} ${targets[fn]}`);
  }
  if (resolved.length > 0) {
    notes.push(
      session.deployed
        ? `${from!} serves latest, deployed as: ${resolved.join(', ')}`
        : `${from!} serves latest, local versions: ${resolved.join(', ')} (what npm start published in ` +
            `${LOCAL_STORE_DIR}/; they are AWS's numbers only if every deployed change also ran locally, ` +
            '--deployed reads the deployed ones)',
    );
  }
  return targets;
}

/** The number behind a stage's `latest`: the deployed alias's with `--deployed`, else the local API's. */
async function latestOf(session: Session, fn: FunctionName, stage: StageName): Promise<number> {
  if (session.deployed) {
    const alias = await session.deployed.alias(fn, stage);
    if (alias === undefined) throw new ReleaseError(`the deployed ${fn} function has no ${stage} alias: deploy first`);
    if (alias.version === '$LATEST') {
      throw new ReleaseError(`the deployed ${stage} alias of ${fn} serves $LATEST, which cannot be pinned`);
    }
    return alias.version;
  }
  session.local ??= readLocalVersions(
    session.projectDir,
    session.stackName,
    readAssemblyTemplate(session.assemblyDir, session.stackName)?.release.functionLogicalIds,
  );
  const local = session.local[fn];
  if (local === undefined) {
    throw new ReleaseError(
      `${stage} serves "latest" for ${fn} and nothing here says which version that is: add --deployed ` +
        `(with AWS credentials) to read the deployed ${stage} alias, run npm start once so the local API numbers ` +
        `it in ${LOCAL_STORE_DIR}/, or give --version N`,
    );
  }
  return local.version;
}

/** With `--deployed`, refuses a version the deployed function does not have. */
async function requireVersions(
  session: Session,
  fns: readonly FunctionName[],
  versionOf: (fn: FunctionName) => number | 'latest',
): Promise<void> {
  if (!session.deployed) return;
  for (const fn of fns) {
    const version = versionOf(fn);
    if (version !== 'latest') await session.deployed.requireVersion(fn, version);
  }
}

function write(session: Session, stage: StageName, edits: readonly ReleaseEdit[], notes: readonly string[]): number {
  const { file, env } = session;
  const out = (line = '') => env.stdout.write(`${line}\n`);
  for (const note of notes) out(note);
  const text = edits.length === 0 ? file.text : editRelease(file, stage, edits);
  if (text === file.text) {
    out(`nothing to change: ${releaseKey(file.environmentName, stage)} already says so; ${file.label} is untouched`);
    return EXIT.ok;
  }
  saveConfigFile(file, text);

  const releases = releaseKey(file.environmentName, stage).replace(/\.[^.]+$/, '');
  out(`${file.label}: ${releases}`);
  const before = rawRelease(file.text, file.environmentName, stage);
  const after = rawRelease(text, file.environmentName, stage);
  for (const change of valueChanges(before, after, stage)) out(`  ${formatChange(change)}`);
  out();
  out(unifiedDiff(file.label, file.text, text));
  out();
  const cdk = file.environmentName === DEFAULT_ENVIRONMENT ? '' : ` -c env=${file.environmentName}`;
  const expected = expectedDiff(stageOf(session, stage), edits);
  out(
    expected.length > 0
      ? `next: npx cdk diff${cdk}   (expect changes to ${expected.join(', ')} only)`
      : `next: nothing in the stack changes (the rollback record is not part of it); npx cdk diff${cdk} shows no change`,
  );
  out(`      npx cdk deploy${cdk}`);
  return EXIT.ok;
}

/** The constructs `cdk diff` should show for these edits, by construct path: aliases and the stage's canary. */
function expectedDiff(stage: StageConfig, edits: readonly ReleaseEdit[]): string[] {
  const names = new Set<string>();
  for (const { path: key } of edits) {
    if (key[0] === 'versions') names.add(`${pascalCase(String(key[1]))}/${pascalCase(stage.name)}Alias`);
    if (key[0] === 'canary' && key[1] === 'versions') {
      names.add(`${pascalCase(String(key[2]))}/${pascalCase(stage.canary!.alias)}Alias`);
    }
    if (key[0] === 'canary' && key[1] === 'percentTraffic') names.add(`Api/${pascalCase(stage.name)}Stage (canary)`);
  }
  return [...names];
}

async function status(session: Session): Promise<number> {
  const { file, env, stackName, deployed } = session;
  const assembly = readAssemblyTemplate(session.assemblyDir, stackName);
  const template = assembly?.release;
  const local = readLocalVersions(session.projectDir, stackName, template?.functionLogicalIds);
  const header = [
    `${stackName} (environment ${file.environmentName})`,
    `  config:   ${file.label}`,
    `  template: ${assembly ? path.relative(env.cwd, assembly.file) : `none in ${path.relative(env.cwd, session.assemblyDir) || '.'}`}`,
  ];
  let deployedRelease: DeployedRelease | undefined;
  if (deployed) {
    const aliases: Partial<Record<FunctionName, Record<string, Awaited<ReturnType<DeployedStack['alias']>>>>> = {};
    for (const row of statusRows(file.config)) {
      (aliases[row.fn] ??= {})[row.alias] = await deployed.alias(row.fn, row.alias);
    }
    deployedRelease = { aliases, canaryPercent: (await deployed.template()).canaryPercent };
    header.push(`  deployed: ${stackName} in ${await deployed.region()}`);
  }
  env.stdout.write(`${renderStatus({ config: file.config, template, local, deployed: deployedRelease }, header)}\n`);
  return EXIT.ok;
}

function commandName(raw: string): CommandName {
  if (Object.hasOwn(COMMANDS, raw)) return raw as CommandName;
  throw new UsageError(`unknown command ${JSON.stringify(raw)}; commands: ${Object.keys(COMMANDS).join(', ')}`);
}

function defaultAwsClients(region: string | undefined): AwsClients {
  return {
    lambda: new LambdaClient({ region }),
    cloudFormation: new CloudFormationClient({ region }),
    cloudWatch: new CloudWatchClient({ region }),
  };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `release: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
