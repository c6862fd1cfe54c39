import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT, cdkJson } from './support/template';

describe('cdk.json', () => {
  test('carries every recommended feature flag of the installed aws-cdk-lib', () => {
    const recommended = JSON.parse(
      fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules', 'aws-cdk-lib', 'recommended-feature-flags.json'), 'utf8'),
    ) as Record<string, unknown>;
    const { context } = cdkJson();
    const missingOrDifferent = Object.entries(recommended).filter(
      ([flag, value]) => JSON.stringify(context[flag]) !== JSON.stringify(value),
    );
    expect(missingOrDifferent).toEqual([]);
  });

  test('runs the app with tsx', () => {
    expect(cdkJson().app).toBe('node --import tsx bin/app.ts');
  });
});
