import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWholeFile } from '../../src/util/read-whole-file.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const dir = await fileTempDir('read-whole-file');

describe('readWholeFile', () => {
  it('returns the same bytes as fs.readFile, whatever the chunk size (files past 2 GiB are read in 1 GiB chunks)', async () => {
    const file = path.join(dir, 'data.bin');
    const bytes = randomBytes(100_003);
    await writeFile(file, bytes);
    for (const chunk of [1, 7, 4096, 100_003, 1 << 30]) expect((await readWholeFile(file, chunk)).equals(await readFile(file))).toBe(true);
    const empty = path.join(dir, 'empty.bin');
    await writeFile(empty, Buffer.alloc(0));
    expect((await readWholeFile(empty)).length).toBe(0);
  });

  it('a missing file is an ENOENT error, as with fs.readFile', async () => {
    await expect(readWholeFile(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
