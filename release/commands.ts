import type { FunctionName, FunctionVersions, PreviousRelease, StageConfig, VersionSelector } from '../lib/config';
import { CONFIG_CONTEXT_KEY, FUNCTION_NAMES } from '../lib/config';
import type { ReleaseEdit } from './config-file';
import { ReleaseError } from './errors';

/** The version number to pin, per function; a function left out keeps what it serves. */
export type VersionTargets = Readonly<Partial<Record<FunctionName, number>>>;

/**
 * Pins a stage's aliases to the target versions and closes its canary (0%, setting kept). When the versions change,
 * what the stage served until now is recorded as `previous`, replacing any older record, so that
 * {@link planRollback} can pin it back; a promotion that changes no version keeps the record it finds.
 *
 * @returns the edits to the stage's release block; none when the stage already serves the targets, canary closed
 */
export function planPromote(stage: StageConfig, targets: VersionTargets, now: Date): ReleaseEdit[] {
  const edits = versionEdits(['versions'], stage.versions, targets);
  if (edits.length > 0) {
    const previous: PreviousRelease = { versions: { ...stage.versions }, promotedAt: utcTimestamp(now) };
    edits.push({ path: ['previous'], value: previous });
  }
  if (stage.canary && stage.canary.percentTraffic !== 0) {
    edits.push({ path: ['canary', 'percentTraffic'], value: 0 });
  }
  return edits;
}

/**
 * Opens, moves or closes a stage's canary: sets its percentage and, when given, the versions its candidate alias
 * serves. When a canary is opened for one function (`scope`), the candidate aliases of the other functions are put
 * on what the stage serves, so canary requests to them are not answered by some older candidate.
 *
 * @param where the config key of the stage's release, for messages
 * @throws ReleaseError when the stage has no canary block
 */
export function planCanary(
  stage: StageConfig,
  percent: number,
  targets: VersionTargets | undefined,
  scope: FunctionName | undefined,
  where: string,
  canaryStages: readonly string[],
): ReleaseEdit[] {
  const { canary } = stage;
  if (!canary) {
    throw new ReleaseError(
      `the ${stage.name} stage has no canary (${where} has no canary block); ` +
        `stages with a canary: ${canaryStages.join(', ') || '(none)'}`,
    );
  }
  const opening = canary.percentTraffic === 0 && percent > 0;
  const wanted: Partial<Record<FunctionName, VersionSelector>> = { ...targets };
  if (scope !== undefined && opening) {
    for (const fn of FUNCTION_NAMES) if (fn !== scope) wanted[fn] = stage.versions[fn];
  }
  const edits = versionEdits(['canary', 'versions'], canary.versions, wanted);
  if (canary.percentTraffic !== percent) edits.push({ path: ['canary', 'percentTraffic'], value: percent });
  return edits;
}

/**
 * Pins a stage back to the versions recorded before its last promotion, and removes the record: a second rollback
 * is refused rather than silently flipping back to the promoted versions (promote again to go forward).
 *
 * @param where the config key of the stage's release, for messages
 * @throws ReleaseError when nothing is recorded
 */
export function planRollback(stage: StageConfig, where: string): ReleaseEdit[] {
  if (!stage.previous) {
    throw new ReleaseError(
      `nothing to roll back to: ${where}.previous is not set (promote records it; rollback uses it up); ` +
        `pin a version with: npm run release -- promote ${stage.name} --version N`,
    );
  }
  return [
    ...versionEdits(['versions'], stage.versions, stage.previous.versions),
    { path: ['previous'], value: undefined },
  ];
}

/** The config key of a stage's release block, e.g. `api.environments.default.releases.v1`. */
export function releaseKey(environmentName: string, stage: string): string {
  return `${CONFIG_CONTEXT_KEY}.environments.${environmentName}.releases.${stage}`;
}

/** `2025-01-31T09:30:00Z`: the form `promotedAt` takes, to the second. */
export function utcTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function versionEdits(
  at: readonly string[],
  current: FunctionVersions,
  wanted: Readonly<Partial<Record<FunctionName, VersionSelector>>>,
): ReleaseEdit[] {
  return FUNCTION_NAMES.filter((fn) => wanted[fn] !== undefined && wanted[fn] !== current[fn]).map((fn) => ({
    path: [...at, fn],
    value: wanted[fn],
  }));
}
