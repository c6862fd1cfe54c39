import { convertModel } from '../../openapi/schemas';

describe('convertModel', () => {
  const order = {
    $schema: 'http://json-schema.org/draft-04/schema#',
    id: 'https://example.com/order',
    title: 'Order',
    type: 'object',
    definitions: { line: { type: 'object', properties: { sku: { type: 'string' } } } },
    properties: {
      lines: { type: 'array', items: { $ref: '#/definitions/line' } },
      customer: { $ref: 'https://apigateway.amazonaws.com/restapis/abc123/models/Customer' },
      amount: { type: ['number', 'string'] },
      kind: { const: 'order' },
      tags: { type: 'object', patternProperties: { '^x-': { type: 'string' } } },
      type: { type: 'string' },
    },
  };

  test('drops $schema and id, hoists definitions as <model>.<name> and points references at them', () => {
    const { schemas } = convertModel('Order', order, 'oas30');
    expect([...schemas.keys()]).toEqual(['Order', 'Order.line']);
    const converted = schemas.get('Order') as any;
    expect(converted.$schema).toBeUndefined();
    expect(converted.id).toBeUndefined();
    expect(converted.definitions).toBeUndefined();
    expect(converted.properties.lines.items).toEqual({ $ref: '#/components/schemas/Order.line' });
    expect(schemas.get('Order.line')).toEqual({ type: 'object', properties: { sku: { type: 'string' } } });
  });

  test("points a reference to another model by its API Gateway URL at that model's component", () => {
    expect((convertModel('Order', order, 'oas30').schemas.get('Order') as any).properties.customer).toEqual({
      $ref: '#/components/schemas/Customer',
    });
    expect((convertModel('Order', order, 'swagger').schemas.get('Order') as any).properties.customer).toEqual({
      $ref: '#/definitions/Customer',
    });
  });

  test('turns a list of types into anyOf, and const into a one-value enum', () => {
    const converted = convertModel('Order', order, 'oas30').schemas.get('Order') as any;
    expect(converted.properties.amount).toEqual({ anyOf: [{ type: 'number' }, { type: 'string' }] });
    expect(converted.properties.kind).toEqual({ enum: ['order'] });
  });

  test('reads a property named like a keyword as a property', () => {
    const converted = convertModel('Order', order, 'oas30').schemas.get('Order') as any;
    expect(converted.properties.type).toEqual({ type: 'string' });
  });

  test('drops what the format cannot express, with one warning naming the model and the pointer', () => {
    expect(convertModel('Order', order, 'oas30').warnings).toEqual([
      'model Order: /properties/tags/patternProperties (patternProperties) has no equivalent in OpenAPI 3.0: dropped',
    ]);
    const swagger = convertModel('Order', order, 'swagger');
    expect(swagger.warnings).toContain(
      'model Order: /properties/amount/type has no equivalent in Swagger 2.0: dropped',
    );
    expect((swagger.schemas.get('Order') as any).properties.amount).toEqual({});
  });
});
