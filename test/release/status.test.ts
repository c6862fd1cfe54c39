import { parseConfig } from '../../lib/config';
import { findDrift, renderStatus, statusRows } from '../../release/status';
import { readTemplate } from '../../release/template';
import { rawConfig } from '../support/template';
import { STACK, stackTemplate } from './fixture';

/** The committed config with the v1 release replaced. */
function configWith(v1: unknown) {
  const raw = rawConfig();
  raw.environments.default.releases.v1 = v1;
  return parseConfig(raw);
}

const CLOSED = configWith({
  versions: { hello: 2, faq: 2, authorizer: 2 },
  canary: { alias: 'candidate', percentTraffic: 0, versions: { hello: 2, faq: 2, authorizer: 2 } },
});

describe('statusRows', () => {
  test('gives each stage alias the traffic its canary leaves, and the canary aliases the rest', () => {
    const config = configWith({
      versions: { hello: 1, faq: 1, authorizer: 1 },
      canary: { alias: 'next', percentTraffic: 12.5, versions: { hello: 2, faq: 1, authorizer: 3 } },
    });

    expect(statusRows(config).map((r) => [r.stage, r.fn, r.alias, r.traffic, r.config])).toEqual([
      ['beta', 'hello', 'beta', 100, 'latest'],
      ['beta', 'faq', 'beta', 100, 'latest'],
      ['beta', 'authorizer', 'beta', 100, 'latest'],
      ['v1', 'hello', 'v1', 87.5, 1],
      ['v1', 'faq', 'v1', 87.5, 1],
      ['v1', 'authorizer', 'v1', 87.5, 1],
      ['v1', 'hello', 'next', 12.5, 2],
      ['v1', 'faq', 'next', 12.5, 1],
      ['v1', 'authorizer', 'next', 12.5, 3],
    ]);
  });
});

describe('findDrift', () => {
  test('names an alias the template lacks', () => {
    const template = readTemplate(
      stackTemplate({
        aliases: {
          hello: { beta: 'latest', v1: 2 },
          faq: { beta: 'latest', v1: 2, candidate: 2 },
          authorizer: { beta: 'latest', v1: 2, candidate: 2 },
        },
        canaryPercent: 0,
      }),
      STACK,
    );

    expect(findDrift({ config: CLOSED, template, local: {} })).toEqual([
      'template: v1 hello (alias candidate) is missing',
    ]);
  });

  test('names a latest alias the deployed stack serves as $LATEST', () => {
    const version = (v: number | '$LATEST') => ({ version: v, additionalWeights: {} });
    const deployed = {
      aliases: {
        hello: { beta: version('$LATEST'), v1: version(2), candidate: version(2) },
        faq: { beta: version(5), v1: version(2), candidate: version(2) },
        authorizer: { beta: version(6), v1: version(2), candidate: version(2) },
      },
      canaryPercent: { v1: 0 },
    };

    expect(findDrift({ config: CLOSED, local: {}, deployed })).toEqual([
      'deployed: beta hello (alias beta) serves $LATEST, not a published version',
    ]);
  });

  test('names a canary the template does not have', () => {
    const template = readTemplate(stackTemplate({ canaryPercent: undefined }), STACK);

    expect(findDrift({ config: CLOSED, template, local: {} })).toContain(
      'template: the v1 stage has no canary setting, the config says 0%',
    );
  });
});

describe('renderStatus', () => {
  test('says a closed canary is closed, and that there is nothing to compare without a template', () => {
    const text = renderStatus({ config: CLOSED, local: {} }, ['header']);

    expect(text).toContain('canary v1: closed (0%) to alias candidate (hello 2, faq 2, authorizer 2)');
    expect(text).toContain('nothing to compare the config with');
    expect(text.startsWith('header\n\nSTAGE')).toBe(true);
  });
});
