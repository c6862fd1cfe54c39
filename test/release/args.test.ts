import { functionArg, parseArgs, percentArg, stageArg, urlArg, versionArg, windowArg } from '../../release/args';
import { ReleaseError, UsageError } from '../../release/errors';

describe('parseArgs', () => {
  test('splits the command, its arguments, options with values and flags', () => {
    expect(parseArgs(['promote', 'v1', '--version', '2', '--env=prod', '--deployed'])).toEqual({
      command: 'promote',
      positionals: ['v1'],
      values: { version: '2', env: 'prod' },
      flags: new Set(['deployed']),
    });
  });

  test('takes a value that starts with a dash verbatim, so that it is refused as a value', () => {
    expect(parseArgs(['canary', 'v1', '--percent', '-5']).values).toEqual({ percent: '-5' });
  });

  test('takes a value that starts with -- only after =', () => {
    expect(parseArgs(['status', '--config=--odd.json']).values).toEqual({ config: '--odd.json' });
  });

  test('reads -h as --help and skips a bare --', () => {
    expect(parseArgs(['--', 'status', '-h'])).toMatchObject({ command: 'status', flags: new Set(['help']) });
  });

  test.each([
    [['--nope'], 'unknown option --nope; run with --help for the options'],
    [['status', '--env'], '--env needs a value'],
    [['promote', 'v1', '--version', '--config', 'x.json'], '--version needs a value'],
    [['status', '--env', 'a', '--env=b'], '--env is given twice'],
    [['status', '--help=yes'], '--help takes no value, got "--help=yes"'],
  ])('fails on %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(new UsageError(message));
  });
});

describe('command line values', () => {
  test.each([
    ['1', 1],
    ['42', 42],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('reads version %p', (raw, version) => {
    expect(versionArg(raw)).toBe(version);
  });

  test.each([['0'], ['-1'], ['1.5'], ['abc'], ['1e2'], [' 1'], ['0x1'], ['9007199254740992'], ['']])(
    'refuses version %p',
    (raw) => {
      expect(() => versionArg(raw)).toThrow(
        new ReleaseError(`--version must be a positive integer version number, got ${JSON.stringify(raw)}`),
      );
    },
  );

  test('refuses latest as a version and says how to take what a stage serves', () => {
    expect(() => versionArg('LATEST')).toThrow(/got "LATEST"; a release pins a published version \(--from <stage>/);
  });

  test.each([
    ['0', 0],
    ['100', 100],
    ['12.5', 12.5],
  ])('reads percentage %p', (raw, percent) => {
    expect(percentArg(raw)).toBe(percent);
  });

  test.each([['-1'], ['100.5'], ['abc'], ['10%'], ['.5'], ['Infinity'], ['']])('refuses percentage %p', (raw) => {
    expect(() => percentArg(raw)).toThrow(
      new ReleaseError(`--percent must be a number from 0 to 100, got ${JSON.stringify(raw)}`),
    );
  });

  test('reads the stages and functions the config knows, and refuses others', () => {
    expect(stageArg('v1')).toBe('v1');
    expect(functionArg('faq')).toBe('faq');
    expect(() => stageArg('prod', '--from')).toThrow('unknown stage "prod" in --from; stages: beta, v1');
    expect(() => functionArg('Hello')).toThrow('unknown function "Hello"; functions: hello, faq');
  });
});

describe('gate arguments', () => {
  test.each([
    ['15m', 15],
    ['2h', 120],
  ])('reads window %p', (raw, minutes) => {
    expect(windowArg(raw)).toBe(minutes);
  });

  test.each([['15'], ['0m'], ['1d'], ['25h'], ['']])('refuses window %p in one line', (raw) => {
    expect(() => windowArg(raw)).toThrow(
      new ReleaseError(
        `--window must be whole minutes or hours such as 15m or 1h, from 1m to 24h, got ${JSON.stringify(raw)}`,
      ),
    );
  });

  test('reads the local API address, and refuses one with a path or another scheme', () => {
    expect(urlArg('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
    expect(urlArg('http://localhost:4000/')).toBe('http://localhost:4000');
    for (const raw of ['127.0.0.1:3000', 'https://127.0.0.1:3000', 'http://127.0.0.1:3000/_local/metrics', 'nope']) {
      expect(() => urlArg(raw)).toThrow(
        `--url must be the local API's address such as http://127.0.0.1:3000, got ${JSON.stringify(raw)}`,
      );
    }
  });

  test('takes --local and --require-gate as flags, --window and --url with values', () => {
    const args = parseArgs(['gate', 'v1', '--local', '--window', '5m', '--url=http://127.0.0.1:1', '--require-gate']);

    expect([...args.flags].sort()).toEqual(['local', 'require-gate']);
    expect(args.values).toEqual({ window: '5m', url: 'http://127.0.0.1:1' });
  });
});
