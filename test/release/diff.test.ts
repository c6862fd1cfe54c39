import { formatChange, unifiedDiff, valueChanges } from '../../release/diff';

describe('unifiedDiff', () => {
  test('is empty for equal texts', () => {
    expect(unifiedDiff('f', 'a\nb\n', 'a\nb\n')).toBe('');
  });

  test('shows a changed line with two lines of context and correct ranges', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7'].join('\n');
    const after = ['1', '2', '3', 'four', '5', '6', '7'].join('\n');

    expect(unifiedDiff('cdk.json', before, after)).toBe(
      ['--- cdk.json', '+++ cdk.json', '@@ -2,5 +2,5 @@', ' 2', ' 3', '-4', '+four', ' 5', ' 6'].join('\n'),
    );
  });

  test('shows added lines, and splits changes far apart into hunks', () => {
    const before = Array.from({ length: 12 }, (_, i) => `l${i + 1}`);
    const after = [...before.slice(0, 1), 'new', ...before.slice(1, 11), 'L12'];

    expect(unifiedDiff('f', before.join('\n'), after.join('\n'))).toBe(
      [
        '--- f',
        '+++ f',
        '@@ -1,3 +1,4 @@',
        ' l1',
        '+new',
        ' l2',
        ' l3',
        '@@ -10,3 +11,3 @@',
        ' l10',
        ' l11',
        '-l12',
        '+L12',
      ].join('\n'),
    );
  });

  test('ignores the difference between CRLF and LF line ends', () => {
    expect(unifiedDiff('f', 'a\r\nb\r\n', 'a\nb\n')).toBe('');
  });
});

describe('valueChanges', () => {
  test('lists changed, added and removed leaves by dotted key', () => {
    const before = { versions: { hello: 1, faq: 1 }, previous: { versions: { hello: 1 } } };
    const after = { versions: { hello: 2, faq: 1 }, canary: { percentTraffic: 0 } };

    expect(valueChanges(before, after, 'v1').map(formatChange)).toEqual([
      'v1.versions.hello: 1 → 2',
      'v1.canary.percentTraffic: (none) → 0',
      'v1.previous.versions.hello: 1 → (none)',
    ]);
  });

  test('shows strings quoted, as they are in the file', () => {
    expect(valueChanges({ a: 'latest' }, { a: 3 }).map(formatChange)).toEqual(['a: "latest" → 3']);
  });
});
