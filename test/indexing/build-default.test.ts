import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultIndexStaleReason } from '../../src/cli/build-default-command.ts';
import { INDEX_FILES } from '../../src/retrieval/artifacts/manifest.ts';
import { modelFingerprint } from '../../src/retrieval/encoders/model-files.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { writeFixtureIndex } from '../helpers/index-fixture.ts';

const base = await fileTempDir('build-default');

describe('build-default keeps or rebuilds the default index', () => {
  it('keeps a current two-stage index; rebuilds one that is absent, text-only, unscored, stale or unreadable', async () => {
    const models = path.join(base, 'models');
    const stale = (dir: string) => defaultIndexStaleReason(dir, models);
    const scoring = { textWeight: 0.5, reason: 'test' };
    expect(await stale(path.join(base, 'none'))).toBe('absent');
    const twoStage = path.join(base, 'two-stage');
    await writeFixtureIndex(twoStage, { n: 20, scoring });
    expect(await stale(twoStage)).toBeNull();
    await writeFixtureIndex(twoStage, { n: 20 });
    expect(await stale(twoStage)).toMatch(/^built before the demo recommended fused scoring/);
    // The models were regenerated since the index was embedded: their fingerprint differs.
    await mkdir(path.join(models, 'test/text'), { recursive: true });
    await writeFile(path.join(models, 'test/text/config.json'), '{"model_type":"bert","hidden_size":32}');
    await writeFile(path.join(models, 'test/text/tokenizer.json'), '{}');
    await writeFixtureIndex(twoStage, { n: 20, scoring, textFingerprint: '0000000000000000' });
    expect(await stale(twoStage)).toMatch(/^embedded with another copy of test\/text/);
    await writeFixtureIndex(twoStage, { n: 20, scoring, textFingerprint: (await modelFingerprint(models, 'test/text'))! });
    expect(await stale(twoStage)).toBeNull();
    const textOnly = path.join(base, 'text-only');
    await writeFixtureIndex(textOnly, { n: 20, audioDim: null, scoring });
    expect(await stale(textOnly)).toMatch(/^text-only/);
    await writeFile(path.join(textOnly, INDEX_FILES.manifest), '{"format":');
    expect(await stale(textOnly)).toBe('unreadable');
  });
});
