import { normalizeTemplate, synthApiStack } from '../support/template';

describe('ApiStack template', () => {
  test('matches the snapshot, which changes only when the infrastructure does', () => {
    expect(normalizeTemplate(synthApiStack().template)).toMatchSnapshot();
  });
});
