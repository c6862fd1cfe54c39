/**
 * `npm start [-- options]`: synthesizes the CDK app and serves its REST API on localhost, stage by stage.
 * `--help` lists the options.
 */
import * as path from 'node:path';
import { parseCliOptions, UsageError, USAGE } from './cli-options';
import type { CliOptions } from './cli-options';
import { LocalApiError } from './errors';
import { mulberry32 } from './random';
import { LocalApi, METRICS_FILE } from './local-api';
import { OPENAPI_ROUTE_PREFIX } from '../openapi/route';
import { formatAccessLogLine, formatRequestLine, RequestLog } from './request-log';
import { describeApi, describeChanges } from './startup-report';
import { SynthError } from './synth';
import { watchProject } from './watch';
import type { ProjectWatcher } from './watch';

async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\nRun npm start -- --help for the options.`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }

  const requestLog = new RequestLog((line) => console.log(line), new Set<string>());
  const started = Date.now();
  let api: LocalApi;
  try {
    api = await LocalApi.start({
      projectDir: process.cwd(),
      assemblyDir: options.assemblyDir,
      stackName: options.stackName,
      storeDir: options.storeDir,
      host: options.host,
      port: options.port,
      random: options.seed === undefined ? undefined : mulberry32(options.seed),
      log: (line) => console.log(line),
      executionLog: (line) => console.log(line),
      onResponse: (request, response, latencyMs) => {
        const line = options.accessLog ? formatAccessLogLine(response) : undefined;
        requestLog.log(request, response, line ?? formatRequestLine(request, response, latencyMs, requestLog.stages));
      },
      onError: (error) => console.error(`error while answering a request (answered 500): ${describeError(error)}`),
      onPhase: (phase) => {
        if (phase === 'synthesizing') {
          console.log(`synthesizing the app (cdk synth) into ${options.storeDir}…`);
        }
      },
    });
  } catch (error) {
    return reportFatal(error);
  }
  requestLog.stages = new Set(api.loaded.api.stages.map((s) => s.name));
  for (const line of describeApi({ ...api.loaded, ignored: api.ignored }, api.url)) {
    console.log(line);
  }
  const metricsFile = path.join(options.storeDir, METRICS_FILE);
  if (api.metricsUrl === undefined) {
    console.log(
      `warning: a stage is named _local, so its routes answer under /_local/; the metrics are in ${metricsFile} ` +
        'only, the OpenAPI documents from npm run openapi only',
    );
  } else {
    console.log(`metrics: GET ${api.metricsUrl} (POST …/reset counts from zero), also written to ${metricsFile}`);
    console.log(`OpenAPI documents: ${api.url}${OPENAPI_ROUTE_PREFIX}<stage>.json (Swagger 2.0: <stage>.swagger.json)`);
  }
  console.log(`listening on ${api.url} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s); Ctrl+C stops`);

  let watcher: ProjectWatcher | undefined;
  if (options.watch) {
    watcher = watchProject({
      projectDir: process.cwd(),
      onChange: (changed) => {
        console.log(`changed: ${changed.join(', ')}; reloading (the current API keeps answering)…`);
        api.reload().then(
          ({ before, after }) => {
            requestLog.stages = new Set(after.api.stages.map((s) => s.name));
            const changes = describeChanges(before.api, after.api);
            console.log(changes.length === 0 ? 'reloaded: nothing changed' : `reloaded: ${changes.join('; ')}`);
            for (const warning of after.warnings) {
              console.log(`warning: ${warning}`);
            }
          },
          (error: unknown) => {
            if (error instanceof SynthError) {
              console.error(error.output);
            }
            console.error(`reload failed, still serving the previous API: ${describeError(error)}`);
          },
        );
      },
    });
    console.log('watching bin/, lib/, lambda/ and cdk.json');
  }

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  requestLog.flush();
  console.log('stopping…');
  watcher?.close();
  await api.close();
  return 0;
}

function reportFatal(error: unknown): number {
  if (error instanceof SynthError) {
    console.error(error.output);
  }
  if (error instanceof LocalApiError) {
    console.error(`error: ${error.message}`);
    return 1;
  }
  throw error;
}

function describeError(error: unknown): string {
  if (error instanceof LocalApiError) {
    return error.message;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
