/**
 * The pieces that keep host paths out of Discord and strangers' input out of the file system:
 * index names, model ids, the recorded audio folder rule, path hiding, and preview notes made
 * from files reached through a symlinked audio folder (their reasons carry the real path).
 */
import { mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRecordedAudioRoot } from '../../src/audio/recorded-audio-root.ts';
import type { Track } from '../../src/catalog/track.ts';
import { loadConfig } from '../../src/config.ts';
import { hideHostPaths } from '../../src/app/host-paths.ts';
import { createPreviewProvider } from '../../src/app/track-preview.ts';
import { createLogger } from '../../src/logger.ts';
import { isModelId } from '../../src/models/model-id.ts';
import { isIndexName } from '../../src/retrieval/index-names.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { LogCapture } from './helpers/fixtures.ts';

let tmp: { dir: string; cleanup: () => Promise<void> };
let real: string;

beforeAll(async () => {
  tmp = await tempDir('host-paths');
  real = await realpath(tmp.dir);
});
afterAll(() => tmp?.cleanup());

describe('names', () => {
  it('index names are one plain folder name', () => {
    for (const ok of ['default', 'jamendo-2024', 'a.b', '_x', 'v1.0_final']) expect(isIndexName(ok), ok).toBe(true);
    for (const bad of ['', '.', '..', '.hidden', 'a/b', '../x', '/abs', 'a\\b', 'name with space', 'x'.repeat(101), 'nul\0']) expect(isIndexName(bad), bad).toBe(false);
  });

  it('model ids are plain path segments under MODELS_DIR', () => {
    for (const ok of ['Xenova/all-MiniLM-L6-v2', 'cratedigger/tiny-clap', 'local-model']) expect(isModelId(ok), ok).toBe(true);
    for (const bad of ['', '..', '../x', 'a/../b', '/abs/model', 'a//b', 'a/', '.hidden/x', 'a\\b']) expect(isModelId(bad), bad).toBe(false);
  });

  it('INDEX_NAME takes names only, SBERT_MODEL and CLAP_MODEL model ids only', () => {
    expect(() => loadConfig({ INDEX_NAME: '..' }, REPO_ROOT)).toThrow(/INDEX_NAME: must be a folder name in EMBEDDINGS_DIR/);
    expect(() => loadConfig({ INDEX_NAME: 'a/b' }, REPO_ROOT)).toThrow(/INDEX_NAME/);
    expect(() => loadConfig({ SBERT_MODEL: '../../etc' }, REPO_ROOT)).toThrow(/SBERT_MODEL: must be a model id like owner\/name/);
    expect(() => loadConfig({ CLAP_MODEL: '/models/clap' }, REPO_ROOT)).toThrow(/CLAP_MODEL/);
    expect(loadConfig({ INDEX_NAME: 'jamendo' }, REPO_ROOT).index.dir).toBe(path.join(REPO_ROOT, 'embeddings', 'jamendo'));
  });
});

describe('the recorded audio folder', () => {
  const settings = () => ({ audioRoot: undefined, embeddingsDir: path.join(tmp.dir, 'project', 'embeddings') });
  const index = (audioRoot: string | null) => ({ dir: path.join(tmp.dir, 'project', 'embeddings', 'x'), manifest: { audioRoot } });

  beforeAll(async () => {
    await mkdir(path.join(tmp.dir, 'project', 'embeddings', 'x'), { recursive: true });
    await mkdir(path.join(tmp.dir, 'project', 'demo', 'audio'), { recursive: true });
    await mkdir(path.join(tmp.dir, 'outside'), { recursive: true });
    await symlink(path.join(tmp.dir, 'outside'), path.join(tmp.dir, 'project', 'demo', 'sneaky'));
  });

  it('is accepted inside the folder that holds EMBEDDINGS_DIR: beside the index, inside it, not yet existing', async () => {
    for (const ok of ['../../demo/audio', 'audio', '.', '../../demo/later', null]) await expect(checkRecordedAudioRoot(index(ok), settings()), String(ok)).resolves.toBeUndefined();
  });

  it('is refused at or above that folder, elsewhere, or through a symlink leading out', async () => {
    for (const bad of ['../..', '../../..', '/', path.relative(index(null).dir, '/'), '../../../outside', '../../demo/sneaky']) {
      await expect(checkRecordedAudioRoot(index(bad), settings()), bad).rejects.toMatchObject({
        name: 'UserError',
        message: expect.stringContaining(`its audio folder ("${bad}") is outside the folder that holds EMBEDDINGS_DIR`),
        hint: expect.stringContaining('Set AUDIO_ROOT'),
      });
    }
  });

  it('is not used, so not checked, when AUDIO_ROOT is set', async () => {
    await expect(checkRecordedAudioRoot(index('/'), { ...settings(), audioRoot: '/srv/audio' })).resolves.toBeUndefined();
  });
});

describe('hideHostPaths', () => {
  it('names files relative to their folder, folders by their alias, and shortens any other absolute path', () => {
    const aliases = [
      { dir: '/srv/bot/embeddings', as: 'EMBEDDINGS_DIR' },
      { dir: '/srv/bot/embeddings/default/audio', as: 'the audio folder' },
    ];
    expect(hideHostPaths('/srv/bot/embeddings/main/text.faiss: missing file', aliases)).toBe('main/text.faiss: missing file');
    expect(hideHostPaths('No index folder at /srv/bot/embeddings.', aliases)).toBe('No index folder at EMBEDDINGS_DIR.');
    expect(hideHostPaths('Cannot read /srv/bot/embeddings/default/audio/a/1.mp3 (under /srv/bot/embeddings/default/audio)', aliases)).toBe('Cannot read a/1.mp3 (under the audio folder)');
    expect(hideHostPaths('in /home/me/models/x/config.json and /srv/bot/embeddings-old/y', aliases)).toBe('in …/config.json and …/y');
    // Not paths: URLs, fractions, slash commands, relative paths.
    const plain = 'see https://www.jamendo.com/track/101, 1/2 of /reload, a/b/c';
    expect(hideHostPaths(plain, aliases)).toBe(plain);
  });

  it('also hides the real path of a folder given through a symlink', async () => {
    await mkdir(path.join(tmp.dir, 'real-audio'), { recursive: true });
    await symlink(path.join(tmp.dir, 'real-audio'), path.join(tmp.dir, 'audio-link'));
    const text = `Cannot read ${path.join(real, 'real-audio', 'x.mp3')}`;
    expect(hideHostPaths(text, [{ dir: path.join(tmp.dir, 'audio-link'), as: 'the audio folder' }])).toBe('Cannot read x.mp3');
  });
});

describe('preview notes', () => {
  it('never carry the resolved real path of a file reached through a symlinked audio folder', async () => {
    const realAudio = path.join(tmp.dir, 'store', 'music');
    await mkdir(path.join(realAudio, 'a'), { recursive: true });
    await writeFile(path.join(realAudio, 'a', 'broken.mp3'), 'this is not audio\n'.repeat(50));
    await symlink(realAudio, path.join(tmp.dir, 'music-link'));
    const logs = new LogCapture();
    const provider = createPreviewProvider(
      { audioRoot: path.join(tmp.dir, 'music-link'), cacheDir: path.join(tmp.dir, 'cache'), cacheMaxBytes: 1024 * 1024, excerptSec: 10 },
      () => ({ dir: path.join(tmp.dir, 'idx'), audioRoot: null }),
      createLogger({ level: 'debug', format: 'json', destination: logs }),
    );
    const track = { id: 'track_1', tags: { mood: [], genre: [], instrument: [] }, caption: '', keywords: [], path: 'a/broken.mp3', license: 'CC BY 4.0' } as Track;
    const outcome = await provider.forTrack(track, 1024 * 1024);
    expect(outcome.kind).toBe('none');
    expect(outcome.note).toMatch(/^🔇 No preview of #1: Cannot read a\/broken\.mp3: /);
    expect(outcome.note).not.toContain(tmp.dir);
    expect(outcome.note).not.toContain(real);
    expect(outcome.note).not.toMatch(/\/store\/|\/tmp\//);
  });
});
