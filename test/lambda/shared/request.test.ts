import { toHttpRequest } from '../../../lambda/shared/request';
import { proxyEvent } from '../../support/events';

describe('toHttpRequest', () => {
  test('reads the method, resource, stage, stage variables, path parameters and body of a proxy event', () => {
    // PREPARE
    const event = proxyEvent({
      httpMethod: 'POST',
      resource: '/api/faq/{id}',
      pathParameters: { id: '3' },
      stage: 'v1',
      stageVariables: { lambdaAlias: 'candidate', environment: 'production' },
      body: '{"key":"k"}',
    });

    // ACT
    const request = toHttpRequest(event);

    // ASSESS
    expect(request).toEqual({
      method: 'POST',
      resource: '/api/faq/{id}',
      stage: 'v1',
      stageVariables: { lambdaAlias: 'candidate', environment: 'production' },
      pathParameters: { id: '3' },
      body: '{"key":"k"}',
      caller: null,
    });
  });

  test("reads the authorizer's principal and its primitive context values, not API Gateway's latency", () => {
    // PREPARE
    const event = proxyEvent();
    const authorizer = { principalId: 'alice', role: 'reader', exp: 9, admin: false, integrationLatency: 12, x: {} };
    const withAuthorizer = { ...event, requestContext: { ...event.requestContext, authorizer } };

    // ACT
    const request = toHttpRequest(withAuthorizer);

    // ASSESS
    expect(request.caller).toEqual({ principalId: 'alice', claims: { role: 'reader', exp: 9, admin: false } });
  });

  test("reads a user pool authorizer's claims, its sub as the principal", () => {
    // PREPARE
    const event = proxyEvent();
    const authorizer = { claims: { sub: 'u-1', token_use: 'id', 'cognito:groups': 'admin,staff', odd: 3 } };
    const withAuthorizer = { ...event, requestContext: { ...event.requestContext, authorizer } };

    // ACT
    const request = toHttpRequest(withAuthorizer);

    // ASSESS
    expect(request.caller).toEqual({
      principalId: 'u-1',
      claims: { sub: 'u-1', token_use: 'id', 'cognito:groups': 'admin,staff' },
    });
  });

  test('decodes a base64-encoded body', () => {
    // PREPARE
    const event = proxyEvent({ body: Buffer.from('{"key":"é"}').toString('base64'), isBase64Encoded: true });

    // ACT
    const request = toHttpRequest(event);

    // ASSESS
    expect(request.body).toBe('{"key":"é"}');
  });

  test('leaves a body alone when isBase64Encoded is false', () => {
    // PREPARE
    const event = proxyEvent({ body: 'aGVsbG8=', isBase64Encoded: false });

    // ACT
    const request = toHttpRequest(event);

    // ASSESS
    expect(request.body).toBe('aGVsbG8=');
  });

  test.each([null, undefined, 42, 'GET', [], true])(
    'reads nothing from an event that is not an object: %p',
    (event) => {
      // ACT
      const request = toHttpRequest(event);

      // ASSESS
      expect(request).toEqual({
        method: null,
        resource: null,
        stage: null,
        stageVariables: {},
        pathParameters: {},
        body: null,
        caller: null,
      });
    },
  );

  test('falls back to a null stage and no stage variables when API Gateway sent none', () => {
    // PREPARE
    const event = { ...proxyEvent(), requestContext: null, stageVariables: null };

    // ACT
    const request = toHttpRequest(event);

    // ASSESS
    expect(request.stage).toBeNull();
    expect(request.stageVariables).toEqual({});
  });

  test('drops values that are not strings', () => {
    // PREPARE
    const event = {
      httpMethod: 7,
      resource: ['/api/faq'],
      requestContext: { stage: { name: 'v1' } },
      stageVariables: { environment: 1, lambdaAlias: 'v1' },
      pathParameters: { id: 3 },
      body: { key: 'k' },
    };

    // ACT
    const request = toHttpRequest(event);

    // ASSESS
    expect(request).toEqual({
      method: null,
      resource: null,
      stage: null,
      stageVariables: { lambdaAlias: 'v1' },
      pathParameters: {},
      body: null,
      caller: null,
    });
  });
});
