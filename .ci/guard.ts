/**
 * Runs AWS Control Tower's proactive controls against synthesized templates with cfn-guard itself, not through the
 * CDK plugin: the same rules and binary `@cdklabs/cdk-validator-cfnguard` ships, so CI fails on a violation even when
 * the synth skipped the plugin. A violation is excused only where the resource's template `Metadata.guard.SuppressedRules`
 * names the rule, which `acknowledgeGuardRule` (lib/policy-validation.ts) writes beside the plugin's acknowledgement.
 *
 * Usage: tsx .ci/guard.ts <template.json>...   exit 0: compliant; 1: a violation; 2: bad usage or cfn-guard failed
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Template {
  readonly Resources?: Record<string, { Metadata?: { guard?: { SuppressedRules?: unknown } } } | undefined>;
}

interface Finding {
  readonly control: string;
  readonly rule: string;
  readonly logicalId: string;
}

const PACKAGE_ROOT = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const RULES = path.join(PACKAGE_ROOT, 'rules', 'control-tower', 'cfn-guard');

/** The binary the package ships for this machine, found as the plugin finds it. */
function guardBinary(): string {
  const platform = { linux: 'ubuntu', darwin: 'macos' }[process.platform as string];
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch as string];
  if (!platform || !arch) throw new Error(`cfn-guard ships no binary for ${process.platform}/${process.arch}`);
  return path.join(PACKAGE_ROOT, 'bin', platform, arch, 'cfn-guard');
}

/** Every rule violation cfn-guard reports for one template, by rule and resource. */
export function findings(templatePath: string): Finding[] {
  const result = spawnSync(
    guardBinary(),
    [
      'validate',
      '--rules',
      RULES,
      '--data',
      templatePath,
      '--output-format',
      'json',
      '--show-summary',
      'none',
      '--structured',
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  // cfn-guard exits 19 (or 5) when a rule fails, 0 when none does; anything else is its own failure
  if (result.error || ![0, 5, 19].includes(result.status ?? -1)) {
    throw new Error(`cfn-guard failed on ${templatePath}: ${result.error?.message ?? result.stderr.trim()}`);
  }
  const reports = JSON.parse(result.stdout || '[]') as { not_compliant?: { Rule?: { name?: string } }[] }[];
  return reports.flatMap((report) =>
    (report.not_compliant ?? []).flatMap((entry) => {
      const text = JSON.stringify(entry);
      const rule = entry.Rule?.name ?? '(unnamed rule)';
      const control = /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]/.exec(text)?.[1] ?? rule;
      const logicalIds = new Set([...text.matchAll(/"\/Resources\/([^/"]+)/g)].map((m) => m[1]!));
      // a violation naming no resource cannot be suppressed by one
      return (logicalIds.size > 0 ? [...logicalIds] : ['(template)']).map((logicalId) => ({
        control,
        rule,
        logicalId,
      }));
    }),
  );
}

/** Whether the resource's `Metadata.guard.SuppressedRules` names the rule. */
export function isSuppressed(template: Template, finding: Finding): boolean {
  const suppressed = template.Resources?.[finding.logicalId]?.Metadata?.guard?.SuppressedRules;
  return Array.isArray(suppressed) && suppressed.includes(finding.rule);
}

function main(templatePaths: string[]): number {
  if (templatePaths.length === 0) {
    console.error('usage: tsx .ci/guard.ts <template.json>...');
    return 2;
  }
  const rules = fs.readdirSync(RULES, { recursive: true }).filter((f) => String(f).endsWith('.guard')).length;
  let violations = 0;
  for (const templatePath of templatePaths) {
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as Template;
    const all = findings(templatePath);
    const open = all.filter((f) => !isSuppressed(template, f));
    for (const f of open) console.error(`${templatePath}: ${f.control} (${f.rule}) violated by ${f.logicalId}`);
    console.log(
      `${templatePath}: ${rules} Control Tower rules, ${open.length} violations, ` +
        `${all.length - open.length} acknowledged in Metadata.guard`,
    );
    violations += open.length;
  }
  return violations === 0 ? 0 : 1;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
  }
}
