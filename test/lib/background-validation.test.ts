import type { IPolicyValidationContext, IPolicyValidationPlugin } from 'aws-cdk-lib';
import type { BackgroundValidationPlugin } from '../../lib/background-validation';
import { BlockingWorker, sameTemplates, startingFirst } from '../../lib/background-validation';

describe('BlockingWorker', () => {
  const workers: BlockingWorker[] = [];
  const worker = (source: string, data: unknown = {}) => {
    workers.push(new BlockingWorker(source, data));
    return workers.at(-1)!;
  };
  afterEach(() => workers.splice(0).forEach((w) => w.close()));

  test('answers requests in the order they were sent, with the data it was given', () => {
    const doubler = worker('serve((n) => n * workerData.factor);', { factor: 2 });
    doubler.send(3);
    doubler.send(5);
    expect([doubler.next(10_000), doubler.next(10_000)]).toEqual([6, 10]);
  });

  test("throws with the handler's message when handling a request throws, and keeps answering", () => {
    const picky = worker("serve((n) => { if (n < 0) throw new Error('negative: ' + n); return n; });");
    picky.send(-1);
    picky.send(1);
    expect(() => picky.next(10_000)).toThrow('negative: -1');
    expect(picky.next(10_000)).toBe(1);
  });

  test('throws with the error of a source that fails before it serves, instead of waiting', () => {
    const broken = worker("require('./no-such-module-here');\nserve((n) => n);");
    broken.send(1);
    expect(() => broken.next(60_000)).toThrow(/Cannot find module '\.\/no-such-module-here'/);
  });

  test('fails with one line when no answer comes in time', () => {
    const silent = worker('serve(() => new Promise(() => {}));');
    silent.send(1);
    expect(() => silent.next(200)).toThrow('the worker thread did not answer within 200 ms');
  });
});

describe('startingFirst', () => {
  test("starts each background plugin on the plugin's templates before it runs, and reports as the plugin", () => {
    const calls: string[] = [];
    const background = (name: string): BackgroundValidationPlugin => ({
      name,
      start: (context) => calls.push(`start ${name} ${context.templatePaths.join(',')}`),
      validate: () => ({ success: true, violations: [] }),
    });
    const plugin: IPolicyValidationPlugin = {
      name: 'first',
      version: '1.2.3',
      ruleIds: ['R1'],
      validate: () => {
        calls.push('validate first');
        return { success: false, violations: [] };
      },
    };

    const wrapped = startingFirst(plugin, [background('a'), background('b')]);
    const report = wrapped.validate({ templatePaths: ['t.json'] } as IPolicyValidationContext);

    expect(calls).toEqual(['start a t.json', 'start b t.json', 'validate first']);
    expect(report).toEqual({ success: false, violations: [] });
    expect([wrapped.name, wrapped.version, wrapped.ruleIds]).toEqual(['first', '1.2.3', ['R1']]);
  });
});

describe('sameTemplates', () => {
  test('holds for the same paths in the same order only', () => {
    expect(sameTemplates(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameTemplates(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(sameTemplates(['a'], ['a', 'b'])).toBe(false);
  });
});
