// aws-cdk-lib's built-in CloudFormation validation costs 2-3 s of CPU per synth (its rule engine is compiled to
// WebAssembly at every start) and only ever warns. Tests synthesize dozens of apps, in process and in the child
// processes they start (which inherit this), so they skip it; `cdk synth` in .ci/checks runs it, and cfn-lint
// lints the same templates there.
process.env.CDK_VALIDATION = 'false';
