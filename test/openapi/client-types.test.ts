import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeDirectory, temporaryDirectory } from '../local/support/assembly-builder';
import { PROJECT_DIR, projectAssembly } from '../local/support/project-assembly';
import { nodeTsxArgs } from '../support/node-tsx';

const GENERATE = path.join(PROJECT_DIR, 'openapi', 'generate-client.ts');

// openapi-typescript's dependencies are ES modules, which Jest's CommonJS runtime cannot load: run it under tsx
const check = (assemblyDir: string) =>
  spawnSync(process.execPath, nodeTsxArgs(GENERATE, '--assembly', assemblyDir, '--check'), {
    cwd: PROJECT_DIR,
    encoding: 'utf8',
  });

describe('npm run openapi:client -- --check', () => {
  test('passes: client/api-types.ts is what openapi-typescript generates from the export of the current app', async () => {
    const result = check(await projectAssembly());
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toBe('client/api-types.ts is up to date\n');
  });

  test('fails once the API changes, so the check above can fail', async () => {
    // the project's assembly with GET /api/faq/{id} removed from its template
    const copy = temporaryDirectory('openapi-client-');
    try {
      fs.cpSync(await projectAssembly(), copy, { recursive: true });
      const file = fs.readdirSync(copy).find((name) => name.endsWith('.template.json'))!;
      const template = JSON.parse(fs.readFileSync(path.join(copy, file), 'utf8'));
      const [faqById] = Object.entries(template.Resources as Record<string, any>).find(
        ([, resource]) => resource.Type === 'AWS::ApiGateway::Method' && resource.Properties.RequestParameters,
      )!;
      delete template.Resources[faqById];
      fs.writeFileSync(path.join(copy, file), JSON.stringify(template));

      const result = check(copy);

      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        "error: client/api-types.ts is not the export of this app's API: run npm run openapi:client\n",
      );
    } finally {
      removeDirectory(copy);
    }
  });
});
