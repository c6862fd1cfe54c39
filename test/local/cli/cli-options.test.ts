import { parseCliOptions, UsageError } from '../../../local/cli-options';

describe('parseCliOptions', () => {
  test('defaults to 127.0.0.1:3000, the .local-api store, synthesizing, no watch', () => {
    expect(parseCliOptions([])).toEqual({
      assemblyDir: undefined,
      stackName: undefined,
      host: '127.0.0.1',
      port: 3000,
      watch: false,
      seed: undefined,
      storeDir: '.local-api',
      accessLog: false,
      help: false,
    });
  });

  test('reads every option, as separate or = values', () => {
    expect(
      parseCliOptions([
        '--assembly',
        'cdk.out',
        '--stack=ServerlessApi-default',
        '--host',
        '0.0.0.0',
        '--port=0',
        '--seed',
        '42',
        '--store',
        '/tmp/store',
        '--access-log',
      ]),
    ).toEqual({
      assemblyDir: 'cdk.out',
      stackName: 'ServerlessApi-default',
      host: '0.0.0.0',
      port: 0,
      watch: false,
      seed: 42,
      storeDir: '/tmp/store',
      accessLog: true,
      help: false,
    });
  });

  test('reads --watch and --help', () => {
    expect(parseCliOptions(['--watch', '--help'])).toMatchObject({ watch: true, help: true });
  });

  test.each([
    [['--prot', '3000'], 'unknown option --prot'],
    [['-p', '3000'], 'unexpected argument "-p": every option starts with --'],
    [['--port'], '--port needs a value'],
    [['--port', '--watch'], '--port needs a value'],
    [['--port', '70000'], '--port must be an integer from 0 to 65535, got "70000"'],
    [['--port', '3e3'], '--port must be an integer from 0 to 65535, got "3e3"'],
    [['--port', '-1'], '--port must be an integer from 0 to 65535, got "-1"'],
    [['--seed', '1.5'], '--seed must be an integer from 0 to 4294967295, got "1.5"'],
    [['--store='], '--store needs a non-empty value'],
    [['--watch=yes'], '--watch takes no value, got "--watch=yes"'],
    [['--port', '1', '--port', '2'], '--port is given twice'],
    [['--watch', '--assembly', 'cdk.out'], '--watch re-synthesizes the project, so it cannot be used with --assembly'],
  ])('fails when given %j', (argv, message) => {
    expect(() => parseCliOptions(argv)).toThrow(UsageError);
    expect(() => parseCliOptions(argv)).toThrow(message);
  });
});
