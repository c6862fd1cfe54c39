/**
 * The models every REST API has without defining them (`Empty` and `Error`), by name. An API's own model of the
 * same name takes their place.
 */
export const BUILT_IN_MODELS: ReadonlyMap<string, unknown> = new Map([
  ['Empty', { $schema: 'http://json-schema.org/draft-04/schema#', title: 'Empty Schema', type: 'object' }],
  [
    'Error',
    {
      $schema: 'http://json-schema.org/draft-04/schema#',
      title: 'Error Schema',
      type: 'object',
      properties: { message: { type: 'string' } },
    },
  ],
]);
