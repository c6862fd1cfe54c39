import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '../../lib/config';
import { FUNCTION_NAMES, parseConfig } from '../../lib/config';
import { readAssemblyTemplate, readTemplate } from '../../release/template';
import { normalizeTemplate, rawConfig, synthApiStack } from '../support/template';
import { FUNCTION_IDS, STACK, removeTempProjects, stackTemplate, tempProject, writeAssembly } from './fixture';

afterAll(removeTempProjects);

describe('readTemplate', () => {
  test('reads the functions, the version of every alias and the canary percentage', () => {
    const template = stackTemplate({
      aliases: {
        hello: { beta: 'latest', v1: 3 },
        faq: { beta: 'latest', v1: 2, candidate: 4 },
        authorizer: { beta: 'latest', v1: 5 },
      },
      canaryPercent: 15,
    });

    expect(readTemplate(template, STACK)).toEqual({
      functionLogicalIds: FUNCTION_IDS,
      aliases: {
        hello: { beta: 'latest', v1: 3 },
        faq: { beta: 'latest', v1: 2, candidate: 4 },
        authorizer: { beta: 'latest', v1: 5 },
      },
      canaryPercent: { v1: 15 },
    });
  });

  test('finds functions by logical id in a template without path metadata', () => {
    expect(readTemplate(stackTemplate({ withoutMetadata: true }), STACK).functionLogicalIds).toEqual(FUNCTION_IDS);
  });

  test('ignores the functions of another stack’s paths when metadata names them', () => {
    expect(readTemplate(stackTemplate({ stack: 'ServerlessApi-prod' }), STACK).functionLogicalIds).toEqual(
      FUNCTION_IDS,
    );
  });

  test('reads nothing from something that is not a template', () => {
    expect(readTemplate('nope', STACK)).toEqual({ functionLogicalIds: {}, aliases: {}, canaryPercent: {} });
  });

  test('reads the stack’s template through the assembly manifest', () => {
    // GIVEN a manifest naming a template file of another name
    const dir = tempProject(null);
    writeAssembly(dir, stackTemplate({ canaryPercent: 5 }));
    fs.renameSync(path.join(dir, 'cdk.out', `${STACK}.template.json`), path.join(dir, 'cdk.out', 'other.json'));
    const manifest = path.join(dir, 'cdk.out', 'manifest.json');
    fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace(`${STACK}.template.json`, 'other.json'));

    // THEN
    const found = readAssemblyTemplate(path.join(dir, 'cdk.out'), STACK);
    expect(found?.file).toBe(path.join(dir, 'cdk.out', 'other.json'));
    expect(found?.release.canaryPercent).toEqual({ v1: 5 });
  });

  test('finds no template in an assembly without the stack', () => {
    expect(readAssemblyTemplate(path.join(tempProject(null), 'cdk.out'), STACK)).toBeUndefined();
  });
});

describe('the synthesized stack', () => {
  const withPrevious = (): AppConfig => {
    const raw = rawConfig();
    raw.environments.default.releases.v1.previous = {
      versions: { hello: 7, faq: 7, authorizer: 7 },
      promotedAt: '2025-01-31T09:30:00Z',
    };
    return parseConfig(raw);
  };

  test('is read as the config says: aliases, versions and the canary', () => {
    // GIVEN the real stack, for a config the release tool wrote
    const config = withPrevious();
    const { template } = synthApiStack(config);

    // WHEN
    const release = readTemplate(template.toJSON(), 'TestApi');

    // THEN every alias of the config is found with its version
    const v1 = config.stages[1]!;
    for (const fn of FUNCTION_NAMES) {
      expect(release.aliases[fn]).toEqual({
        beta: config.stages[0]!.versions[fn],
        v1: v1.versions[fn],
        [v1.canary!.alias]: v1.canary!.versions[fn],
      });
    }
    expect(release.canaryPercent).toEqual({ v1: v1.canary!.percentTraffic });
  });

  test('ignores the rollback record', () => {
    const without = parseConfig(rawConfig());

    expect(normalizeTemplate(synthApiStack(withPrevious()).template)).toEqual(
      normalizeTemplate(synthApiStack(without).template),
    );
  });
});
