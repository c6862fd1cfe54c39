import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCli } from '../support/e2e-cli';
import { httpRequest } from '../support/e2e-http';
import { projectAssembly } from '../support/project-assembly';

describe('npm start: the OpenAPI documents', () => {
  let store: string;

  beforeEach(() => {
    store = fs.mkdtempSync(path.join(os.tmpdir(), 'local-api-openapi-'));
  });

  afterEach(() => {
    fs.rmSync(store, { recursive: true, force: true });
  });

  test('names their URL at start-up, and serves each stage with the local API as a server', async () => {
    const cli = startCli(['--assembly', await projectAssembly(), '--port', '0', '--store', store]);
    try {
      const [, url] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);

      const answer = await httpRequest(`${url}/_local/openapi/v1.json`);

      expect(cli.stdout).toContain(
        `OpenAPI documents: ${url}/_local/openapi/<stage>.json (Swagger 2.0: <stage>.swagger.json)\n`,
      );
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.json()).toMatchObject({
        openapi: '3.0.1',
        servers: [{ variables: { basePath: { default: '/v1' } } }, { url: `${url}/v1` }],
      });
      expect(await cli.stop('SIGINT')).toBe(0);
    } finally {
      await cli.stop('SIGKILL');
    }
  });
});
