/**
 * Prints how long this app takes to synthesize beside a bare one-stack aws-cdk-lib app on the same machine, run
 * alternately in one process so that both see the same load, and the size of each function bundle.
 *
 *   npm run bench [-- --runs 7]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const root = path.join(__dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got ${process.argv[runsArg + 1]}`);
  process.exit(2);
}

/** Runs one app to a fresh output folder and returns the wall time in ms and the folder. */
function synth(entry: string): { ms: number; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  const { context } = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')) as { context: object };
  const start = process.hrtime.bigint();
  const result = spawnSync(tsx, [entry], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    console.error(`${entry} failed:\n${result.stderr}`);
    process.exit(1);
  }
  return { ms, outdir };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

// one warm-up each, so the first run's cold file cache counts for neither
synth('bench/bare-app.ts');
let last = synth('bin/app.ts');
const app: number[] = [];
const bare: number[] = [];
for (let i = 0; i < runs; i++) {
  bare.push(synth('bench/bare-app.ts').ms);
  last = synth('bin/app.ts');
  app.push(last.ms);
}

console.log(`synth, median of ${runs} runs (${os.cpus().length} cores, Node ${process.version}):`);
console.log(`  this app (bin/app.ts, 2 esbuild bundles, cdk-nag): ${median(app).toFixed(0)} ms`);
console.log(`  bare one-stack aws-cdk-lib app:                    ${median(bare).toFixed(0)} ms`);
console.log(`  ratio: ${(median(app) / median(bare)).toFixed(2)}x`);

const template = fs.readdirSync(last.outdir).find((f) => f.endsWith('.template.json'))!;
const resources = (
  JSON.parse(fs.readFileSync(path.join(last.outdir, template), 'utf8')) as {
    Resources: Record<
      string,
      { Type: string; Properties: { Code?: { S3Key?: string } }; Metadata?: Record<string, string> }
    >;
  }
).Resources;
console.log('bundles:');
for (const [id, r] of Object.entries(resources)) {
  if (r.Type !== 'AWS::Lambda::Function') continue;
  const assetDir = path.join(
    last.outdir,
    r.Metadata?.['aws:asset:path'] ?? `asset.${r.Properties.Code!.S3Key!.replace('.zip', '')}`,
  );
  const js = fs.readFileSync(path.join(assetDir, 'index.js'));
  const map = fs.statSync(path.join(assetDir, 'index.js.map')).size;
  const zipped =
    zlib.deflateRawSync(js, { level: 9 }).length +
    zlib.deflateRawSync(fs.readFileSync(path.join(assetDir, 'index.js.map')), { level: 9 }).length;
  console.log(
    `  ${id.replace(/[0-9A-F]{8}$/, '')}: index.js ${kib(js.length)}, index.js.map ${kib(map)}, deflated together ~${kib(zipped)}`,
  );
}
