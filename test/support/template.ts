import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { DISABLE_CREATION_STACK_TRACES } from 'aws-cdk-lib/cx-api';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from '../../lib/api-stack';
import type { AppConfig } from '../../lib/config';
import { CONFIG_CONTEXT_KEY, parseConfig } from '../../lib/config';
import { addPolicyValidation } from '../../lib/policy-validation';

export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** The project's cdk.json, as committed. */
export function cdkJson(): { app: string; context: Record<string, unknown> } {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    app: string;
    context: Record<string, unknown>;
  };
}

/** A fresh, mutable copy of the committed `api` config object, for tests that change one value. */
export function rawConfig(): any {
  return structuredClone(cdkJson().context[CONFIG_CONTEXT_KEY]);
}

/** The committed config, parsed for the default deployment environment. */
export function shippedConfig(raw: unknown = rawConfig()): AppConfig {
  return parseConfig(raw);
}

/** The committed context without the app config: the feature flags the CLI would pass. */
function featureFlags(): Record<string, unknown> {
  const { [CONFIG_CONTEXT_KEY]: _config, ...flags } = cdkJson().context;
  return flags;
}

/**
 * A new App with the project's feature flags, as `cdk synth` would create it, except that it records no creation
 * stack trace per construct: no test reads them, and under Jest's source-mapped stack traces they cost a tenth of
 * each synth.
 */
export function newApp(): App {
  return new App({ context: { ...featureFlags(), [DISABLE_CREATION_STACK_TRACES]: true } });
}

export interface SynthOptions {
  readonly lambdaRoot?: string;
}

/** Synthesizes the ApiStack for a config, with bundling, and returns the stack and its template. */
export function synthApiStack(
  config: AppConfig = shippedConfig(),
  options: SynthOptions = {},
): { stack: ApiStack; template: Template } {
  const app = newApp();
  const stack = new ApiStack(app, 'TestApi', { config, lambdaRoot: options.lambdaRoot });
  return { stack, template: Template.fromStack(stack) };
}

/** The rule names of cdk-nag's AwsSolutions findings on the ApiStack of a config; empty when it passes. */
export function nagFindings(config: AppConfig): string[] {
  const app = newApp();
  new ApiStack(app, 'Api', { config });
  return new AwsSolutionsChecks(app, { verbose: true }).validateScope(app).violations.map((v) => v.ruleName);
}

/**
 * Synthesizes the ApiStack of a config under the project's synth-time policy validation (cdk-nag and Control
 * Tower's rules, as `bin/app.ts` adds them); throws on a violation.
 */
export function synthWithPolicies(config: AppConfig): void {
  const app = newApp();
  new ApiStack(app, 'Api', { config });
  addPolicyValidation(app);
  app.synth();
}

/**
 * The template with what churns without an infrastructure change replaced: asset hashes (code bundles) and the
 * `CurrentVersion` logical-id suffix, which is a hash of the function's code and configuration.
 */
export function normalizeTemplate(template: Template): unknown {
  const text = JSON.stringify(template.toJSON())
    .replace(/[0-9a-f]{64}/g, '<asset-hash>')
    .replace(/(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}/g, '$1<code-hash>');
  return JSON.parse(text);
}

type TemplateJson = { Resources: Record<string, unknown>; Outputs?: Record<string, unknown> };

/** Logical ids of the resources that one template adds, removes or changes relative to another, sorted. */
export function changedResources(before: Template, after: Template): string[] {
  return changedKeys((before.toJSON() as TemplateJson).Resources, (after.toJSON() as TemplateJson).Resources);
}

/** Names of the outputs that differ between two templates, sorted. */
export function changedOutputs(before: Template, after: Template): string[] {
  return changedKeys((before.toJSON() as TemplateJson).Outputs ?? {}, (after.toJSON() as TemplateJson).Outputs ?? {});
}

function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

/** The logical id of the only resource of a type whose id starts with a prefix; fails if not exactly one. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}

/**
 * Renders a CloudFormation value as text: `Fn::Join` joined, `Ref` as `${Name}`, `Fn::GetAtt` as `${Name.Attr}`,
 * so that ARNs and URIs can be compared as strings.
 */
export function flatten(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('Ref' in o) return `\${${String(o.Ref)}}`;
    if ('Fn::GetAtt' in o) return `\${${(o['Fn::GetAtt'] as string[]).join('.')}}`;
    if ('Fn::Join' in o) {
      const [separator, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
  }
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}
