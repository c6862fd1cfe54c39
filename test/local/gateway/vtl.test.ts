import { evaluateJsonPath, JsonPathError } from '../../../local/gateway/jsonpath';
import type { TemplateScope } from '../../../local/gateway/vtl';
import { renderTemplate, TemplateError } from '../../../local/gateway/vtl';

function scope(overrides: Partial<TemplateScope> = {}): TemplateScope {
  return {
    context: {
      stage: 'beta',
      requestId: 'req-1',
      identity: { sourceIp: '127.0.0.1' },
      requestOverride: { header: {}, querystring: {}, path: {} },
      responseOverride: { header: {} },
    },
    stageVariables: { lambdaAlias: 'beta' },
    body: '{"name":"Ada","tags":["a","b"],"nested":{"n":1},"it\'s":"quoted"}',
    params: { path: { id: '42' }, querystring: { q: 'search', id: 'from-query' }, header: { 'X-Token': 'abc' } },
    ...overrides,
  };
}

function render(template: string, overrides: Partial<TemplateScope> = {}): string {
  return renderTemplate(template, scope(overrides));
}

describe('renderTemplate', () => {
  test('reads $context, $stageVariables in all three spellings', () => {
    // ASSESS
    expect(
      render(
        "$context.stage $stageVariables.lambdaAlias $stageVariables['lambdaAlias'] ${stageVariables['lambdaAlias']}",
      ),
    ).toBe('beta beta beta beta');
  });

  test('renders undefined and null references as nothing', () => {
    // ASSESS
    expect(render('[$stageVariables.missing][$context.nothing.deeper][$undefinedVariable]')).toBe('[][][]');
  });

  test('gives $input.body the raw payload, and {} for an empty one', () => {
    // ASSESS
    expect(render('$input.body', { body: 'raw text' })).toBe('raw text');
    expect(render('$input.body', { body: '' })).toBe('{}');
  });

  test('gives $input.json the JSON text at a path', () => {
    // ASSESS
    expect(render("$input.json('$.name') $input.json('$.tags') $input.json('$') ")).toBe(
      '"Ada" ["a","b"] {"name":"Ada","tags":["a","b"],"nested":{"n":1},"it\'s":"quoted"} ',
    );
  });

  test('gives $input.json an empty JSON string for a path with nothing, or a body that is not JSON', () => {
    // ASSESS
    expect(render("$input.json('$.missing')")).toBe('""');
    expect(render("$input.json('$.a')", { body: 'not json' })).toBe('""');
  });

  test('gives $input.path the value at a path, usable in expressions', () => {
    // ASSESS
    expect(
      render("$input.path('$.name') $input.path('$.nested').n $input.path('$.tags').size() $input.path('$.tags')[1]"),
    ).toBe('Ada 1 2 b');
  });

  test('looks $input.params(name) up in the path, then the query string, then the headers', () => {
    // ASSESS
    expect(render("$input.params('id') $input.params('q') $input.params('x-token') [$input.params('none')]")).toBe(
      '42 search abc []',
    );
  });

  test('gives $input.params() the three maps', () => {
    // ASSESS
    expect(render("$input.params().path.id $input.params().querystring.q $input.params().header.get('X-Token')")).toBe(
      '42 search abc',
    );
  });

  test('iterates over maps and lists', () => {
    // ASSESS
    expect(
      render('#foreach($key in $input.params().querystring.keySet())$key=$input.params().querystring.get($key);#end'),
    ).toBe('q=search;id=from-query;');
  });

  test('supports the String, List and Map methods templates call', () => {
    // ASSESS
    expect(
      render(
        "#set($s = 'Hello')$s.length() $s.contains('ell') $s.isEmpty() $s.toUpperCase() $s.replaceAll('l+', 'L') " +
          "$s.equalsIgnoreCase('hello') $s.matches('H.*') $s.substring(1, 3) $s.split('l').size() " +
          "$input.path('$.tags').contains('a') $input.path('$.nested').containsKey('n') $input.path('$.nested').isEmpty()",
      ),
    ).toBe('5 true false HELLO HeLo true true el 3 true true false');
  });

  test('renders $map.put() on a line of its own as nothing', () => {
    // ARRANGE
    const shared = scope();

    // ACT
    const output = renderTemplate('$context.requestOverride.header.put("X-A", "1")', shared);

    // ASSESS
    expect(output).toBe('');
    expect(shared.context.requestOverride.header).toEqual({ 'X-A': '1' });
  });

  test('keeps what a template sets in $context for the next template', () => {
    // ARRANGE
    const shared = scope();

    // ACT
    renderTemplate(
      '#set($context.responseOverride.status = 201)#set($context.responseOverride.header.x = "y")',
      shared,
    );

    // ASSESS
    expect(shared.context.responseOverride).toEqual({ header: { x: 'y' }, status: 201 });
    expect(renderTemplate('$context.responseOverride.status', shared)).toBe('201');
  });

  test('iterates over ranges', () => {
    // ASSESS
    expect(render('#foreach($i in [1..5])$i#end #foreach($i in [3..1])$i#end')).toBe('12345 321');
  });

  test('runs a #foreach 1,000 times at most, as API Gateway does', () => {
    // ARRANGE
    const items = (count: number) => JSON.stringify({ items: Array.from({ length: count }, (_, i) => i) });
    const template = "#foreach($item in $input.path('$.items'))#end done";

    // ASSESS
    expect(render(template, { body: items(1000) })).toBe(' done');
    expect(() => render(template, { body: items(1001) })).toThrow(TemplateError);
  });

  test('refuses a range a request could make as long as it likes', () => {
    // ARRANGE
    const params = { path: {}, querystring: { n: '1000000000' }, header: {} };

    // ASSESS
    expect(() => render("#foreach($i in [1..$input.params('n')])#end", { params })).toThrow(TemplateError);
  });

  test('throws a TemplateError for a template that does not parse', () => {
    // ASSESS
    expect(() => render('#if($a')).toThrow(TemplateError);
  });

  test('throws a TemplateError when $util.parseJson is given text that is not JSON', () => {
    // ASSESS
    expect(() => render("$util.parseJson('{oops')")).toThrow(TemplateError);
  });

  test('does not let a template reach the prototype of a value', () => {
    // ASSESS
    expect(render('[$context.constructor][$context.__proto__][$stageVariables.toString]')).toBe('[][][]');
  });
});

describe('$util', () => {
  test.each([
    ["it's", "it\\'s"],
    ['say "hi"', 'say \\"hi\\"'],
    ['a\\b', 'a\\\\b'],
    ['</script>', '<\\/script>'],
    ['line\nbreak\ttab', 'line\\nbreak\\ttab'],
    ['é', '\\u00E9'],
    ['\u0001', '\\u0001'],
  ])('escapeJavaScript escapes %p as %p', (input, output) => {
    // ASSESS
    expect(render('$util.escapeJavaScript($context.s)', { context: { ...scope().context, s: input } })).toBe(output);
  });

  test('parseJson gives an object whose fields templates read', () => {
    // ASSESS
    expect(render('#set($o = $util.parseJson($input.body))$o.name $o.tags.size() $o.nested.n')).toBe('Ada 2 1');
  });

  test.each([
    ['a b&c=d/é*~', 'a+b%26c%3Dd%2F%C3%A9*%7E'],
    ["(it's)!", '%28it%27s%29%21'],
    ['safe-._*', 'safe-._*'],
  ])('urlEncode encodes %p as Java does: %p', (input, output) => {
    // ASSESS
    expect(render('$util.urlEncode($context.s)', { context: { ...scope().context, s: input } })).toBe(output);
  });

  test('urlDecode decodes + as a space and percent escapes', () => {
    // ASSESS
    expect(render("$util.urlDecode('a+b%26c%C3%A9')")).toBe('a b&cé');
  });

  test('urlDecode fails the template on a malformed escape', () => {
    // ASSESS
    expect(() => render("$util.urlDecode('%zz')")).toThrow(TemplateError);
  });

  test('base64Encode and base64Decode round-trip UTF-8 text', () => {
    // ASSESS
    expect(render("$util.base64Encode('héllo')")).toBe('aMOpbGxv');
    expect(render("$util.base64Decode('aMOpbGxv')")).toBe('héllo');
  });
});

describe('evaluateJsonPath', () => {
  const document = { a: { b: [10, 20, 30], 'odd key': true }, list: [{ id: 1 }, { id: 2 }] };

  test.each<[string, unknown]>([
    ['$', document],
    ['$.a.b', [10, 20, 30]],
    ['$.a.b[0]', 10],
    ['$.a.b[-1]', 30],
    ["$.a['odd key']", true],
    ['$["a"]["b"][1]', 20],
    ['$.list[*].id', [1, 2]],
    ['$.a.*', [[10, 20, 30], true]],
    ['$.missing', undefined],
    ['$.a.b[9]', undefined],
    ['$.a.b.c', undefined],
  ])('evaluates %p', (path, value) => {
    // ASSESS
    expect(evaluateJsonPath(document, path)).toEqual(value);
  });

  test.each(['a.b', '$..id', '$.list[?(@.id)]', '$.a.b[0:1]', '$.'])('refuses the unsupported path %p', (path) => {
    // ASSESS
    expect(() => evaluateJsonPath(document, path)).toThrow(JsonPathError);
  });

  test('does not read inherited properties', () => {
    // ASSESS
    expect(evaluateJsonPath({}, '$.constructor')).toBeUndefined();
  });
});
