import { pascalCase } from '../../lib/naming';

describe('pascalCase', () => {
  test('turns alias, stage and path names into PascalCase construct ids', () => {
    expect(['beta', 'v1', 'v1-candidate', 'my_alias', '/api/faq/{id}'].map(pascalCase)).toEqual([
      'Beta',
      'V1',
      'V1Candidate',
      'MyAlias',
      'ApiFaqId',
    ]);
  });
});
