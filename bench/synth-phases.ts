/**
 * One synth of the app in phases, for bench/synth.ts (run it in a fresh process each time: module loading is one of
 * the phases). Prints one JSON line of milliseconds: `load` (aws-cdk-lib and the project's modules), `construct`
 * (the stacks, esbuild's bundling included unless the context's `aws:cdk:bundling-stacks` is `[]`), `synth`
 * (app.synth(): templates, assets, the built-in validation unless `CDK_VALIDATION=false`, and the policy plugins
 * chosen by the argument).
 *
 *   CDK_OUTDIR=DIR CDK_CONTEXT_JSON='{...}' node --import tsx bench/synth-phases.ts [none|cdk-nag|cfn-guard|all]
 */
import type * as CdkLib from 'aws-cdk-lib';
import type * as Config from '../lib/config';
import type * as PolicyValidation from '../lib/policy-validation';
import type * as Stacks from '../lib/stacks';

// type-only imports are erased: nothing is loaded before this line
const started = performance.now();

/* eslint-disable @typescript-eslint/no-require-imports -- the imports are what the first phase times */
const { App, Validations } = require('aws-cdk-lib') as typeof CdkLib;
const { parseConfig, CONFIG_CONTEXT_KEY } = require('../lib/config') as typeof Config;
const { addStacks } = require('../lib/stacks') as typeof Stacks;
const { addPolicyValidation, policyValidationPlugins } = require('../lib/policy-validation') as typeof PolicyValidation;
/* eslint-enable @typescript-eslint/no-require-imports */

const plugins = process.argv[2] ?? 'all';
if (!['none', 'cdk-nag', 'cfn-guard', 'all'].includes(plugins)) {
  console.error(`plugins must be none, cdk-nag, cfn-guard or all, got ${plugins}`);
  process.exit(2);
}

const loaded = performance.now();
const app = new App();
addStacks(app, parseConfig(app.node.tryGetContext(CONFIG_CONTEXT_KEY)));
if (plugins === 'all') addPolicyValidation(app);
if (plugins === 'cdk-nag') Validations.of(app).addPlugins(policyValidationPlugins(app).cdkNag);
if (plugins === 'cfn-guard') Validations.of(app).addPlugins(policyValidationPlugins(app).cfnGuard);
const constructed = performance.now();
app.synth();
const done = performance.now();

console.log(JSON.stringify({ load: loaded - started, construct: constructed - loaded, synth: done - constructed }));
