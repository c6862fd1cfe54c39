import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionName, StageName, VersionSelector } from '../lib/config';
import { FUNCTION_NAMES, STAGE_NAMES } from '../lib/config';
import { pascalCase } from '../lib/naming';

/** What a CloudFormation template of the stack says about releases: its functions, their aliases, the canaries. */
export interface TemplateRelease {
  /** Logical id of each function found in the template. */
  readonly functionLogicalIds: Readonly<Partial<Record<FunctionName, string>>>;
  /** The version each alias serves, by function and alias name; `latest` for the version this template publishes. */
  readonly aliases: Readonly<Partial<Record<FunctionName, Readonly<Record<string, VersionSelector>>>>>;
  /** Canary percentage by stage; absent for a stage without a canary setting. */
  readonly canaryPercent: Readonly<Partial<Record<StageName, number>>>;
}

/** The construct path of a function's `AWS::Lambda::Function`, as the `aws:cdk:path` metadata names it. */
export function functionConstructPath(stackName: string, fn: FunctionName): string {
  return `${stackName}/${pascalCase(fn)}/Resource/Resource`;
}

/**
 * Reads the stack's template from a cloud assembly (`cdk.out`), through its manifest when it has one.
 *
 * @returns the template's path and release facts, or `undefined` when the assembly has no such stack
 */
export function readAssemblyTemplate(
  assemblyDir: string,
  stackName: string,
): { file: string; release: TemplateRelease } | undefined {
  const file = path.join(assemblyDir, templateFileOf(assemblyDir, stackName));
  if (!fs.existsSync(file)) return undefined;
  return { file, release: readTemplate(JSON.parse(fs.readFileSync(file, 'utf8')), stackName) };
}

/**
 * Release facts of a template, synthesized or deployed. Functions are found by their construct path metadata, or,
 * in a template deployed without metadata, by their logical id (`Hello` and an 8-digit hash).
 */
export function readTemplate(template: unknown, stackName: string): TemplateRelease {
  const resources = Object.entries(asRecord(asRecord(template).Resources));
  const ofType = (type: string) => resources.filter(([, r]) => asRecord(r).Type === type);

  const functions = ofType('AWS::Lambda::Function');
  const functionLogicalIds: Partial<Record<FunctionName, string>> = {};
  for (const fn of FUNCTION_NAMES) {
    const byPath = functions.find(
      ([, r]) => asRecord(asRecord(r).Metadata)['aws:cdk:path'] === functionConstructPath(stackName, fn),
    );
    const byId = functions.filter(([id]) => new RegExp(`^${pascalCase(fn)}[0-9A-F]{8}$`).test(id));
    const id = byPath?.[0] ?? (byId.length === 1 ? byId[0]![0] : undefined);
    if (id !== undefined) functionLogicalIds[fn] = id;
  }

  const aliases: Partial<Record<FunctionName, Record<string, VersionSelector>>> = {};
  for (const [, resource] of ofType('AWS::Lambda::Alias')) {
    const props = asRecord(asRecord(resource).Properties);
    const fn = FUNCTION_NAMES.find((f) => refersTo(props.FunctionName, functionLogicalIds[f]));
    if (fn === undefined || typeof props.Name !== 'string') continue;
    (aliases[fn] ??= {})[props.Name] = versionOf(props.FunctionVersion);
  }

  const canaryPercent: Partial<Record<StageName, number>> = {};
  for (const [, resource] of ofType('AWS::ApiGateway::Stage')) {
    const props = asRecord(asRecord(resource).Properties);
    const stage = STAGE_NAMES.find((s) => s === props.StageName);
    if (stage === undefined || props.CanarySetting === undefined) continue;
    const percent = asRecord(props.CanarySetting).PercentTraffic;
    // a canary setting without a percentage sends nothing to the canary
    canaryPercent[stage] = typeof percent === 'number' ? percent : Number(percent ?? 0);
  }
  return { functionLogicalIds, aliases, canaryPercent };
}

function templateFileOf(assemblyDir: string, stackName: string): string {
  const manifest = path.join(assemblyDir, 'manifest.json');
  if (fs.existsSync(manifest)) {
    const artifact = asRecord(asRecord(asRecord(JSON.parse(fs.readFileSync(manifest, 'utf8'))).artifacts)[stackName]);
    const file = asRecord(artifact.properties).templateFile;
    if (typeof file === 'string') return file;
  }
  return `${stackName}.template.json`;
}

/** A pinned alias names its version as a string; one that follows the published version refers to it. */
function versionOf(value: unknown): VersionSelector {
  if (typeof value === 'string' && /^[1-9]\d*$/.test(value)) return Number(value);
  if (typeof value === 'number') return value;
  return 'latest';
}

function refersTo(value: unknown, logicalId: string | undefined): boolean {
  if (logicalId === undefined) return false;
  const o = asRecord(value);
  return o.Ref === logicalId || (Array.isArray(o['Fn::GetAtt']) && o['Fn::GetAtt'][0] === logicalId);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
