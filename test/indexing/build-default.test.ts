import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultIndexStaleReason } from '../../src/cli/build-default-command.ts';
import { INDEX_FILES } from '../../src/retrieval/artifacts/manifest.ts';
import { tempDir } from '../audio/fixtures.ts';
import { writeFixtureIndex } from '../helpers/index-fixture.ts';

let base: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: base, cleanup } = await tempDir('build-default')));
afterAll(async () => cleanup());

describe('build-default keeps or rebuilds the default index', () => {
  it('keeps a two-stage index; rebuilds one that is absent, text-only (older set-ups) or unreadable', async () => {
    expect(await defaultIndexStaleReason(path.join(base, 'none'))).toBe('absent');
    const twoStage = path.join(base, 'two-stage');
    await writeFixtureIndex(twoStage, { n: 20 });
    expect(await defaultIndexStaleReason(twoStage)).toBeNull();
    const textOnly = path.join(base, 'text-only');
    await writeFixtureIndex(textOnly, { n: 20, audioDim: null });
    expect(await defaultIndexStaleReason(textOnly)).toMatch(/^text-only/);
    await writeFile(path.join(textOnly, INDEX_FILES.manifest), '{"format":');
    expect(await defaultIndexStaleReason(textOnly)).toBe('unreadable');
  });
});
