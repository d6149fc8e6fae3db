import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CheckpointKey, openCheckpoint } from '../../src/indexing/audio/checkpoint.ts';
import { type AudioFailure, countByReason, failureReportCsv } from '../../src/indexing/audio/failures.ts';
import { poolWindows } from '../../src/indexing/audio/track-vector.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';

const base = await fileTempDir('checkpoint');

const DIM = 4;
const key = (over: Partial<CheckpointKey> = {}): CheckpointKey => ({
  catalogSha256: 'abc', tracks: 6, clapModel: 'm', modelFiles: 'f', dtype: 'q8', dim: DIM, policy: { name: 'p', version: 1 }, audioRoot: '/r', ...over,
});
const vec = (seed: number) => Float32Array.from({ length: DIM }, (_, i) => Math.fround(Math.sin(seed * 7.3 + i) / 3));
const failure = (index: number, reason: AudioFailure['reason'] = 'missing'): AudioFailure => ({ index, trackId: `t${index}`, path: `p/${index}.mp3`, reason, message: `no ${index}` });

describe('audio checkpoint', () => {
  it('restores rows bit for bit, masks and failures after a reopen; chunks are written as tracks gather', async () => {
    const dir = path.join(base, 'restore');
    const lines: string[] = [];
    const cp = await openCheckpoint({ dir, key: key(), chunkTracks: 2, log: (l) => lines.push(l) });
    expect(cp.resumed).toBe(0);
    await cp.record(0, vec(0));
    expect((await readdir(dir)).filter((n) => n.startsWith('chunk-'))).toEqual([]);
    await cp.record(2, failure(2));
    expect((await readdir(dir)).filter((n) => n.startsWith('chunk-'))).toEqual(['chunk-000001.bin']);
    await cp.record(1, vec(1));
    await cp.flush();

    const again = await openCheckpoint({ dir, key: key(), chunkTracks: 2, log: (l) => lines.push(l) });
    expect(again.resumed).toBe(3);
    expect([...again.done]).toEqual([1, 1, 1, 0, 0, 0]);
    expect([...again.mask]).toEqual([1, 1, 0, 0, 0, 0]);
    expect(Buffer.from(again.embeddings.data.buffer).equals(Buffer.from(cp.embeddings.data.buffer))).toBe(true);
    expect(again.failures).toEqual([failure(2)]);
    expect(lines).toEqual([]);
    // New chunks continue the numbering instead of overwriting.
    await again.record(3, vec(3));
    await again.flush();
    expect((await readdir(dir)).filter((n) => n.startsWith('chunk-')).sort()).toEqual(['chunk-000001.bin', 'chunk-000002.bin', 'chunk-000003.bin']);
    await again.remove();
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });

  it('starts fresh, and says why, when catalog, model, dtype, policy or root differ', async () => {
    const dir = path.join(base, 'other-key');
    const cp = await openCheckpoint({ dir, key: key() });
    await cp.record(0, vec(0));
    await cp.flush();
    for (const [over, word] of [
      [{ catalogSha256: 'def' }, 'catalog'],
      [{ clapModel: 'other' }, 'CLAP model'],
      [{ dtype: 'fp32' }, 'dtype'],
      [{ policy: { name: 'p', version: 2 } }, 'window policy'],
      [{ audioRoot: '/elsewhere' }, 'audio root'],
    ] as const) {
      const lines: string[] = [];
      const other = await openCheckpoint({ dir, key: key(over), log: (l) => lines.push(l) });
      expect(other.resumed).toBe(0);
      expect(lines.join('\n')).toMatch(new RegExp(`another build \\(different ${word}\\); starting fresh`));
      // Back to the original key: the other build's (empty) checkpoint replaced it.
      expect((await openCheckpoint({ dir, key: key() })).resumed).toBe(0);
    }
  });

  it('skips a damaged chunk (its tracks are embedded again) and temp files left by a kill', async () => {
    const dir = path.join(base, 'damaged');
    const cp = await openCheckpoint({ dir, key: key(), chunkTracks: 1 });
    await cp.record(0, vec(0));
    await cp.record(1, vec(1));
    const second = path.join(dir, 'chunk-000002.bin');
    const bytes = await readFile(second);
    bytes[bytes.length - 1]! ^= 0xff; // one flipped bit in the rows
    await writeFile(second, bytes);
    await writeFile(path.join(dir, 'chunk-000003.bin.tmp-123-abcd'), 'half a chunk');
    const lines: string[] = [];
    const again = await openCheckpoint({ dir, key: key(), log: (l) => lines.push(l) });
    expect([...again.done]).toEqual([1, 0, 0, 0, 0, 0]);
    expect(lines.join('\n')).toMatch(/chunk-000002\.bin is damaged \(rows do not match their checksum\)/);
    expect((await readdir(dir)).sort()).toEqual(['checkpoint.json', 'chunk-000001.bin']);
  });

  it('refuses to delete a folder in its way that holds other files', async () => {
    const dir = path.join(base, 'foreign');
    const cp = await openCheckpoint({ dir, key: key() });
    await writeFile(path.join(dir, 'notes.txt'), 'mine');
    await expect(openCheckpoint({ dir, key: key({ dtype: 'fp32' }) })).rejects.toThrow(/holds other files \(notes\.txt\)/);
    await expect(cp.remove()).rejects.toMatchObject({ hint: expect.stringMatching(/Move or delete that folder/) });
  });
});

describe('poolWindows', () => {
  it('is the L2-normalized mean of the window rows; null when nothing usable', () => {
    const v = poolWindows({ rows: 2, dim: 2, data: Float32Array.from([1, 0, 0, 1]) })!;
    expect(v[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(v[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(poolWindows({ rows: 2, dim: 2, data: Float32Array.from([1, 0, -1, 0]) })).toBeNull();
    expect(poolWindows({ rows: 1, dim: 2, data: Float32Array.from([NaN, 1]) })).toBeNull();
    expect(poolWindows({ rows: 0, dim: 2, data: new Float32Array(0) })).toBeNull();
  });
});

describe('failure report', () => {
  it('lists failures in catalog order as CSV, and counts them by reason', () => {
    const csv = failureReportCsv([failure(5, 'silent'), { ...failure(1), path: 'a,"b".mp3' }, failure(3)]);
    expect(csv).toBe('track_id,path,reason,message\nt1,"a,""b"".mp3",missing,no 1\nt3,p/3.mp3,missing,no 3\nt5,p/5.mp3,silent,no 5\n');
    expect(countByReason([failure(5, 'silent'), failure(1), failure(3)])).toBe('missing 2, silent 1');
  });
});
