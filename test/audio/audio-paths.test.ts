import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAudioError } from '../../src/audio/audio-error.ts';
import { lowQualityVariant, resolveTrackAudio, resolveUnderRoot } from '../../src/audio/audio-paths.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const base = await fileTempDir('paths');
let root: string;

beforeAll(async () => {
  root = path.join(base, 'audio');
  await mkdir(path.join(root, '48'), { recursive: true });
  await mkdir(path.join(root, '12'), { recursive: true });
  await writeFile(path.join(root, '48', '948.mp3'), 'full');
  await writeFile(path.join(root, '12', '512.low.mp3'), 'low');
  await writeFile(path.join(root, '12', '700.mp3'), 'full');
  await writeFile(path.join(root, '12', '700.low.mp3'), 'low');
  await writeFile(path.join(base, 'secret.mp3'), 'outside');
  await symlink(path.join(base, 'secret.mp3'), path.join(root, '48', 'out.mp3'));
  await symlink(path.join(root, '48', '948.mp3'), path.join(root, '12', 'in.mp3'));
  await symlink(base, path.join(root, 'updir'));
  await symlink(path.join(root, 'loop'), path.join(root, 'loop'));
});

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAudioError(err)) throw new Error(`expected an AudioError, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

describe('resolveUnderRoot', () => {
  it('resolves a relative path to the real file under the root', async () => {
    expect(await resolveUnderRoot(root, '48/948.mp3')).toBe(path.join(root, '48', '948.mp3'));
  });

  it('accepts a symlink whose target stays inside the root', async () => {
    expect(await resolveUnderRoot(root, '12/in.mp3')).toBe(path.join(root, '48', '948.mp3'));
  });

  it('refuses ../ escapes, even ones that would land on an existing file', async () => {
    for (const p of ['../secret.mp3', '48/../../secret.mp3', '48/../948.mp3', '..\\secret.mp3']) {
      const f = await failure(resolveUnderRoot(root, p));
      expect(f.code).toBe('unsafe-path');
      expect(f.message).toContain('".."');
    }
  });

  it('refuses absolute paths', async () => {
    for (const p of [path.join(root, '48', '948.mp3'), '/etc/passwd', 'C:\\music\\a.mp3']) {
      const f = await failure(resolveUnderRoot(root, p));
      expect(f.code).toBe('unsafe-path');
      expect(f.message).toMatch(/absolute/);
    }
  });

  it('refuses symlinks (file or directory) that lead out of the root', async () => {
    for (const p of ['48/out.mp3', 'updir/secret.mp3']) {
      const f = await failure(resolveUnderRoot(root, p));
      expect(f.code).toBe('unsafe-path');
      expect(f.message).toMatch(/outside the audio root/);
    }
  });

  it('refuses empty paths and symlink loops', async () => {
    expect((await failure(resolveUnderRoot(root, ''))).code).toBe('unsafe-path');
    expect((await failure(resolveUnderRoot(root, 'loop'))).code).toBe('unsafe-path');
  });

  it('reports a missing file, and a directory as not a file', async () => {
    expect((await failure(resolveUnderRoot(root, '48/949.mp3'))).code).toBe('missing');
    expect((await failure(resolveUnderRoot(root, '48/948.mp3/x'))).code).toBe('missing');
    expect((await failure(resolveUnderRoot(root, '48'))).code).toBe('unreadable');
    expect((await failure(resolveUnderRoot(path.join(base, 'nowhere'), '48/948.mp3'))).code).toBe('missing');
  });
});

describe('lowQualityVariant / resolveTrackAudio', () => {
  it('names the .low variant', () => {
    expect(lowQualityVariant('48/948.mp3')).toBe('48/948.low.mp3');
    expect(lowQualityVariant('a.b/c.ogg')).toBe('a.b/c.low.ogg');
    expect(lowQualityVariant('48/948.low.mp3')).toBeUndefined();
    expect(lowQualityVariant('48/noext')).toBeUndefined();
  });

  it('prefers the full file and falls back to .low only when it is missing', async () => {
    expect(await resolveTrackAudio(root, '48/948.mp3')).toEqual({ file: path.join(root, '48', '948.mp3'), lowQuality: false });
    expect(await resolveTrackAudio(root, '12/700.mp3')).toEqual({ file: path.join(root, '12', '700.mp3'), lowQuality: false });
    expect(await resolveTrackAudio(root, '12/512.mp3')).toEqual({ file: path.join(root, '12', '512.low.mp3'), lowQuality: true });
  });

  it('names the catalog path when neither exists, and never falls back around a refusal', async () => {
    const missing = await failure(resolveTrackAudio(root, '12/999.mp3'));
    expect(missing.code).toBe('missing');
    expect(missing.message).toContain('12/999.mp3');
    expect(missing.message).toContain('999.low.mp3');
    expect((await failure(resolveTrackAudio(root, '../secret.mp3'))).code).toBe('unsafe-path');
  });
});
