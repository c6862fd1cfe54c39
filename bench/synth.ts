/**
 * Prints how long this app takes to synthesize beside a bare one-stack aws-cdk-lib app on the same machine, where
 * the time above the bare app goes, the size of each function bundle, and the wall time of `npm test`.
 *
 * Every round runs each configuration once, alternately, so that all see the same machine load; each figure is the
 * median of the rounds:
 * - the app and the bare app as `cdk.json` runs them (`node --import tsx bin/app.ts`), with aws-cdk-lib's built-in
 *   CloudFormation validation (what `cdk synth` does) and without it (`CDK_VALIDATION=false`: what `npm start`'s
 *   synth and the tests do);
 * - both through the CDK CLI, `npx cdk synth --quiet`, as a developer types it;
 * - the app's phases (bench/synth-phases.ts): module loading, construction, synth; with no policy plugin, with each
 *   on its own, with both, and with bundling skipped.
 *
 *   npm run bench                                   (all the benchmarks)
 *   node --import tsx bench/synth.ts [--runs 5] [--no-suite]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as zlib from 'node:zlib';

const root = path.join(__dirname, '..');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, 'no-suite': { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got ${values.runs}`);
  process.exit(2);
}

const { context } = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};
const NODE_APP = [process.execPath, '--import', 'tsx'];
const scratch: string[] = [];
const outdir = () => {
  scratch.push(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-')));
  return scratch.at(-1)!;
};

interface Run {
  readonly ms: number;
  readonly stdout: string;
  readonly outdir: string;
}

/** Runs a command to a fresh output folder; its wall time in ms. Exits the benchmark if it fails. */
function run(command: readonly string[], env: NodeJS.ProcessEnv = {}, dir = outdir()): Run {
  const start = process.hrtime.bigint();
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CDK_OUTDIR: dir, ...env },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    console.error(`${command.join(' ')} failed:\n${result.stderr}`);
    process.exit(1);
  }
  return { ms, stdout: result.stdout, outdir: dir };
}

const asApp = (entry: string, validation: boolean) => () =>
  run([...NODE_APP, entry], {
    CDK_CONTEXT_JSON: JSON.stringify(context),
    ...(validation ? {} : { CDK_VALIDATION: 'false' }),
  }).ms;
const throughCli = (app?: string) => () => {
  const dir = outdir();
  return run(['npx', 'cdk', 'synth', '--quiet', '--output', dir, ...(app ? ['--app', app] : [])], {}, dir).ms;
};
type Phases = { load: number; construct: number; synth: number };
const phases =
  (plugins: string, bundling = true) =>
  (): Phases => {
    const ctx = bundling ? context : { ...context, 'aws:cdk:bundling-stacks': [] };
    const { stdout } = run([...NODE_APP, 'bench/synth-phases.ts', plugins], {
      CDK_CONTEXT_JSON: JSON.stringify(ctx),
      CDK_VALIDATION: 'false',
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Phases;
  };

const timed = {
  app: asApp('bin/app.ts', true),
  bare: asApp('bench/bare-app.ts', true),
  appNoValidation: asApp('bin/app.ts', false),
  bareNoValidation: asApp('bench/bare-app.ts', false),
  cliApp: throughCli(),
  cliBare: throughCli('node --import tsx bench/bare-app.ts'),
};
const phased = {
  none: phases('none'),
  cdkNag: phases('cdk-nag'),
  cfnGuard: phases('cfn-guard'),
  all: phases('all'),
  noBundling: phases('none', false),
};

// one warm-up of each, so the first run's cold file cache counts for none
for (const measure of [...Object.values(timed), ...Object.values(phased)]) measure();
const times = Object.fromEntries(Object.keys(timed).map((k) => [k, [] as number[]])) as Record<
  keyof typeof timed,
  number[]
>;
const phaseRuns = Object.fromEntries(Object.keys(phased).map((k) => [k, [] as Phases[]])) as Record<
  keyof typeof phased,
  Phases[]
>;
for (let i = 0; i < runs; i++) {
  for (const [k, measure] of Object.entries(timed)) times[k as keyof typeof timed].push(measure());
  for (const [k, measure] of Object.entries(phased)) phaseRuns[k as keyof typeof phased].push(measure());
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0).padStart(5)} ms`;
const m = (k: keyof typeof timed) => median(times[k]);
const p = (k: keyof typeof phased, phase: keyof Phases) => median(phaseRuns[k].map((r) => r[phase]));
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

console.log(`synth, median of ${runs} rounds (${os.cpus().length} cores, Node ${process.version}):`);
console.log('                                          this app   bare app   ratio');
const row = (label: string, app: number, bare: number) =>
  console.log(`  ${label.padEnd(38)} ${ms(app)}   ${ms(bare)}   ${ratio(app, bare)}`);
row('node --import tsx, built-in validation', m('app'), m('bare'));
row('node --import tsx, CDK_VALIDATION=false', m('appNoValidation'), m('bareNoValidation'));
row('npx cdk synth --quiet', m('cliApp'), m('cliBare'));

// the last app run's assembly, for the bundle sizes
const last = run([...NODE_APP, 'bin/app.ts'], { CDK_CONTEXT_JSON: JSON.stringify(context), CDK_VALIDATION: 'false' });
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const template = fs
  .readdirSync(last.outdir)
  .find((f) => f.startsWith('ServerlessApi') && f.endsWith('.template.json'))!;
const resources = (
  JSON.parse(fs.readFileSync(path.join(last.outdir, template), 'utf8')) as {
    Resources: Record<
      string,
      { Type: string; Properties: { Code?: { S3Key?: string } }; Metadata?: Record<string, string> }
    >;
  }
).Resources;
const functionCount = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function').length;

console.log('where the app spends it (bench/synth-phases.ts, CDK_VALIDATION=false):');
console.log(`  loading aws-cdk-lib and lib/:           ${ms(p('all', 'load'))}`);
console.log(`  constructing the stacks:                ${ms(p('all', 'construct'))}`);
console.log(
  `    of which esbuild bundling (${functionCount}):        ${ms(p('none', 'construct') - p('noBundling', 'construct'))}`,
);
console.log(`  app.synth() with cdk-nag and cfn-guard: ${ms(p('all', 'synth'))}`);
console.log(`    without any policy plugin:            ${ms(p('none', 'synth'))}`);
console.log(`    cdk-nag alone adds:                   ${ms(p('cdkNag', 'synth') - p('none', 'synth'))}`);
console.log(`    cfn-guard alone adds:                 ${ms(p('cfnGuard', 'synth') - p('none', 'synth'))}`);
console.log(`  built-in validation adds (app):         ${ms(m('app') - m('appNoValidation'))}`);
console.log(`  built-in validation adds (bare app):    ${ms(m('bare') - m('bareNoValidation'))}`);
console.log(`  the CDK CLI adds (app):                 ${ms(m('cliApp') - m('app'))}`);

console.log('bundles:');
for (const [id, r] of Object.entries(resources)) {
  if (r.Type !== 'AWS::Lambda::Function') continue;
  const assetDir = path.join(
    last.outdir,
    r.Metadata?.['aws:asset:path'] ?? `asset.${r.Properties.Code!.S3Key!.replace('.zip', '')}`,
  );
  const js = fs.readFileSync(path.join(assetDir, 'index.js'));
  const map = fs.readFileSync(path.join(assetDir, 'index.js.map'));
  const zipped = zlib.deflateRawSync(js, { level: 9 }).length + zlib.deflateRawSync(map, { level: 9 }).length;
  console.log(
    `  ${id.replace(/[0-9A-F]{8}$/, '')}: index.js ${kib(js.length)}, index.js.map ${kib(map.length)}, deflated together ~${kib(zipped)}`,
  );
}
for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });

if (!values['no-suite']) {
  // once: the suite takes long enough that one run says what a developer waits for
  const cpuBefore = childrenCpuSeconds();
  const start = process.hrtime.bigint();
  const suite = spawnSync('npx', ['jest', '--silent'], { cwd: root, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuAfter = childrenCpuSeconds();
  const cpu =
    cpuBefore === undefined || cpuAfter === undefined ? '' : `, ${(cpuAfter - cpuBefore).toFixed(0)} s CPU in all`;
  const summary = /^Tests:\s+(.*)$/m.exec(suite.stderr)?.[1] ?? 'no summary';
  const suites = /^Test Suites:\s+(.*)$/m.exec(suite.stderr)?.[1] ?? 'no summary';
  console.log(
    `npm test (jest, ${os.cpus().length} cores): ${wall.toFixed(1)} s wall${cpu}; tests ${summary}; suites ${suites}`,
  );
  if (suite.status !== 0) {
    console.error('the suite failed: the figure above is not a passing run');
    process.exit(1);
  }
}

/**
 * CPU seconds (user and system) of this process's finished child processes and the descendants they waited for, as
 * Linux counts them in `/proc/self/stat`; undefined where there is no such file. The suite's wall time moves with
 * the machine's other load; its CPU says how much work it is.
 */
function childrenCpuSeconds(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    // the fields after the command's name, from the state (field 3): cutime and cstime are fields 16 and 17
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]);
    const hertz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
    return Number.isFinite(ticks) ? ticks / hertz : undefined;
  } catch {
    return undefined;
  }
}
