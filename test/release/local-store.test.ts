import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLocalVersions } from '../../release/local-store';
import { FUNCTION_IDS, STACK, removeTempProjects, tempProject, writeLocalVersions } from './fixture';

afterAll(removeTempProjects);

describe('readLocalVersions', () => {
  test('reads the current version of each function, matched by construct path', () => {
    const dir = tempProject(null);
    const hello = writeLocalVersions(dir, 'a', { constructPath: `${STACK}/Hello/Resource/Resource`, current: 4 });

    expect(readLocalVersions(dir, STACK)).toEqual({ hello: { version: 4, file: hello } });
  });

  test('matches a folder or a function name by the logical id the template gives', () => {
    const dir = tempProject(null);
    // the local API's own record: no construct path when the template has no metadata
    const hello = writeLocalVersions(dir, FUNCTION_IDS.hello, {
      functionName: `${STACK}-${FUNCTION_IDS.hello}-yAMk8DNr3ecF`,
      constructPath: null,
      current: 2,
      versions: [{ version: 1 }, { version: 2 }],
    });
    const faq = writeLocalVersions(dir, 'x', { functionName: `${STACK}-${FUNCTION_IDS.faq}-k2j3h4`, current: 9 });

    expect(readLocalVersions(dir, STACK, FUNCTION_IDS)).toEqual({
      hello: { version: 2, file: hello },
      faq: { version: 9, file: faq },
    });
  });

  test('reads only the store of the stack asked for', () => {
    const dir = tempProject(null);
    writeLocalVersions(dir, FUNCTION_IDS.hello, { current: 2 }, 'ServerlessApi-prod');

    expect(readLocalVersions(dir, STACK, FUNCTION_IDS)).toEqual({});
  });

  test.each([
    ['not JSON', '{'],
    ['no current version', JSON.stringify({ constructPath: `${STACK}/Hello/Resource/Resource` })],
    ['a current version of 0', JSON.stringify({ constructPath: `${STACK}/Hello/Resource/Resource`, current: 0 })],
    [
      'a current version that is text',
      JSON.stringify({ constructPath: `${STACK}/Hello/Resource/Resource`, current: '3' }),
    ],
  ])('skips a store with %s', (_, content) => {
    const dir = tempProject(null);
    const file = writeLocalVersions(dir, FUNCTION_IDS.hello, {});
    fs.writeFileSync(file, content);

    expect(readLocalVersions(dir, STACK)).toEqual({});
  });

  test('is empty when the local API never ran', () => {
    expect(readLocalVersions(path.join(tempProject(null), 'nowhere'), STACK)).toEqual({});
  });
});
