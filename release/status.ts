import type { AppConfig, FunctionName, StageName, VersionSelector } from '../lib/config';
import { FUNCTION_NAMES } from '../lib/config';
import type { DeployedAlias } from './aws';
import type { LocalVersion } from './local-store';
import type { TemplateRelease } from './template';

/** What the deployed stack serves, as far as `status --deployed` asked. */
export interface DeployedRelease {
  /** Each deployed alias, by function and alias name; `undefined` when the function has no such alias. */
  readonly aliases: Readonly<Partial<Record<FunctionName, Readonly<Record<string, DeployedAlias | undefined>>>>>;
  /** Canary percentage by stage, from the deployed template. */
  readonly canaryPercent: Readonly<Partial<Record<StageName, number>>>;
}

/** Everything `status` compares. */
export interface StatusInput {
  readonly config: AppConfig;
  /** The synthesized template, when `cdk.out` has one. */
  readonly template?: TemplateRelease;
  /** The local API's current versions, when it has run. */
  readonly local: Readonly<Partial<Record<FunctionName, LocalVersion>>>;
  /** The deployed stack, with `--deployed`. */
  readonly deployed?: DeployedRelease;
}

/** One alias of one function on one stage: the stage's own alias, or its canary's. */
export interface StatusRow {
  readonly stage: StageName;
  readonly fn: FunctionName;
  readonly alias: string;
  readonly canary: boolean;
  /** Share of the stage's requests this alias answers, in percent. */
  readonly traffic: number;
  readonly config: VersionSelector;
}

/** The stage and canary aliases of every function, in stage order, as the config defines them. */
export function statusRows(config: AppConfig): StatusRow[] {
  return config.stages.flatMap((stage) => {
    const percent = stage.canary?.percentTraffic ?? 0;
    const rows: StatusRow[] = FUNCTION_NAMES.map((fn) => ({
      stage: stage.name,
      fn,
      alias: stage.name,
      canary: false,
      traffic: 100 - percent,
      config: stage.versions[fn],
    }));
    if (stage.canary) {
      const { canary } = stage;
      rows.push(
        ...FUNCTION_NAMES.map((fn) => ({
          stage: stage.name,
          fn,
          alias: canary.alias,
          canary: true,
          traffic: percent,
          config: canary.versions[fn],
        })),
      );
    }
    return rows;
  });
}

/**
 * The differences between the config, the synthesized template and the deployed stack, one line each. A `latest`
 * alias is compared by name only: its number is whatever the last deployment published.
 */
export function findDrift(input: StatusInput): string[] {
  const { config, template, deployed } = input;
  const drift: string[] = [];
  for (const row of statusRows(config)) {
    const where = `${row.stage} ${row.fn} (alias ${row.alias})`;
    if (template) {
      const synthesized = template.aliases[row.fn]?.[row.alias];
      if (synthesized === undefined) drift.push(`template: ${where} is missing`);
      else if (synthesized !== row.config) {
        drift.push(`template: ${where} serves ${show(synthesized)}, the config says ${show(row.config)}`);
      }
    }
    if (deployed) {
      const alias = deployed.aliases[row.fn]?.[row.alias];
      if (alias === undefined) drift.push(`deployed: ${where} is not deployed`);
      else {
        if (typeof row.config === 'number' && alias.version !== row.config) {
          drift.push(`deployed: ${where} serves ${alias.version}, the config says ${row.config}`);
        }
        if (row.config === 'latest' && alias.version === '$LATEST') {
          drift.push(`deployed: ${where} serves $LATEST, not a published version`);
        }
        for (const [version, weight] of Object.entries(alias.additionalWeights)) {
          drift.push(
            `deployed: ${where} also sends ${percentOf(weight * 100)} to version ${version} (set outside this app)`,
          );
        }
      }
    }
  }
  for (const stage of config.stages) {
    if (!stage.canary) continue;
    const want = stage.canary.percentTraffic;
    const synthesized = template?.canaryPercent[stage.name];
    if (template && synthesized !== want) {
      drift.push(`template: ${canaryOf(stage.name, synthesized)}, the config says ${percentOf(want)}`);
    }
    const live = deployed?.canaryPercent[stage.name];
    if (deployed && live !== want) {
      drift.push(`deployed: ${canaryOf(stage.name, live)}, the config says ${percentOf(want)}`);
    }
  }
  return drift;
}

/** The status report: a table of every alias, the canaries, the rollback records, and the drift. */
export function renderStatus(input: StatusInput, header: readonly string[]): string {
  const { config, template, local, deployed } = input;
  const columns = ['STAGE', 'FUNCTION', 'ALIAS', 'TRAFFIC', 'CONFIG', 'TEMPLATE', ...(deployed ? ['DEPLOYED'] : [])];
  const table = statusRows(config).map((row) => {
    const localVersion = local[row.fn]?.version;
    const configured =
      row.config === 'latest' && localVersion !== undefined ? `latest (local ${localVersion})` : show(row.config);
    const synthesized = template?.aliases[row.fn]?.[row.alias];
    const cells = [
      row.stage,
      row.fn,
      row.alias,
      percentOf(row.traffic),
      configured,
      synthesized === undefined ? '-' : show(synthesized),
    ];
    if (deployed) cells.push(String(deployed.aliases[row.fn]?.[row.alias]?.version ?? '-'));
    return cells;
  });

  const lines = [...header, '', ...formatTable([columns, ...table]), ''];
  for (const stage of config.stages) {
    if (stage.canary) {
      const { canary } = stage;
      const open = canary.percentTraffic > 0 ? `open, ${percentOf(canary.percentTraffic)}` : 'closed (0%)';
      const versions = FUNCTION_NAMES.map((fn) => `${fn} ${show(canary.versions[fn])}`).join(', ');
      lines.push(`canary ${stage.name}: ${open} to alias ${canary.alias} (${versions})`);
    }
  }
  for (const stage of config.stages) {
    const { previous } = stage;
    if (!previous) continue;
    const versions = FUNCTION_NAMES.map((fn) => `${fn} ${show(previous.versions[fn])}`).join(', ');
    const when = previous.promotedAt ? `, promoted ${previous.promotedAt}` : '';
    lines.push(`rollback ${stage.name}: would pin ${versions} (recorded before the last promotion${when})`);
  }

  const drift = findDrift(input);
  lines.push('');
  const compared = [...(template ? ['the template'] : []), ...(deployed ? ['the deployed stack'] : [])];
  if (compared.length === 0) {
    lines.push('nothing to compare the config with');
  } else if (drift.length === 0) {
    lines.push(`in sync: the config and ${compared.join(' and ')} agree`);
  } else {
    lines.push('drift:', ...drift.map((d) => `  ${d}`));
    if (drift.some((d) => d.startsWith('template:')))
      lines.push('the template is older than the config: npx cdk synth --quiet');
    if (drift.some((d) => d.startsWith('deployed:')))
      lines.push('to deploy the config: npx cdk diff, then npx cdk deploy');
  }
  if (!template) lines.push('no synthesized template to compare: npx cdk synth --quiet');
  if (!deployed) lines.push('what AWS serves: add --deployed (needs AWS credentials)');
  return lines.join('\n');
}

function show(version: VersionSelector | number | '$LATEST'): string {
  return String(version);
}

function canaryOf(stage: string, percent: number | undefined): string {
  return percent === undefined
    ? `the ${stage} stage has no canary setting`
    : `the ${stage} canary takes ${percentOf(percent)}`;
}

function percentOf(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}

/** Rows as columns padded to their widest cell, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
}
