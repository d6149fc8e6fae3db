import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { createMatrix, type Matrix } from '../../retrieval/matrix.ts';
import type { AudioFailure } from './failures.ts';

/**
 * Progress of an audio embedding run, kept on disk so a killed build (Ctrl-C, crash, kill -9)
 * continues where it stopped. A folder beside the index (`<out>.partial/`):
 *
 * - `checkpoint.json`: the key — what the rows were computed from (catalog bytes, model files,
 *   dtype, window policy, audio root). Any difference starts fresh: rows made from something
 *   else must not mix into the index.
 * - `chunk-000001.bin`, …: every few tracks, the rows, mask bits and failures of the tracks done
 *   since the last chunk. Each is written under a temp name and renamed, so a chunk is whole or
 *   absent; a kill loses at most the tracks of the chunk being filled.
 *
 * Chunk layout: `CDCHUNK1`, u32 LE header length, JSON header, zero padding to a multiple of 4,
 * then float32 LE rows (one per header index; zeros for failures). Floats are stored as bits, so
 * resumed rows equal the rows an uninterrupted run would have.
 */

export const CHECKPOINT_FORMAT = 1;
const MAGIC = Buffer.from('CDCHUNK1', 'ascii');
const CHUNK_RE = /^chunk-(\d{6,})\.bin$/;

/** What the rows depend on. Two runs with equal keys compute equal rows. */
export interface CheckpointKey {
  catalogSha256: string;
  tracks: number;
  clapModel: string;
  /** Hash of the model files the rows come from (config and the ONNX graph). */
  modelFiles: string;
  dtype: string;
  dim: number;
  policy: Record<string, unknown>;
  /** Real path of the audio root. */
  audioRoot: string;
}

interface ChunkHeader {
  format: number;
  key: string;
  dim: number;
  indices: number[];
  mask: number[];
  failures: AudioFailure[];
  dataSha256: string;
}

export interface CheckpointOptions {
  dir: string;
  key: CheckpointKey;
  /** Tracks per chunk (default 16). */
  chunkTracks?: number;
  /** Also write a chunk when this long has passed since the last (default 10 s). */
  chunkMs?: number;
  /** Lines for people: why a checkpoint was discarded, damaged chunks skipped. */
  log?: (line: string) => void;
}

export interface AudioCheckpoint {
  readonly dir: string;
  /** Tracks found done (embedded or failed) when the checkpoint was opened. */
  readonly resumed: number;
  /** 1 for every track done so far (embedded or failed). */
  readonly done: Uint8Array;
  readonly embeddings: Matrix;
  readonly mask: Uint8Array;
  /** Failures so far, in the order they were recorded. */
  readonly failures: readonly AudioFailure[];
  /** Records one track; writes a chunk when enough tracks or time have gathered. */
  record(index: number, result: Float32Array | AudioFailure): Promise<void>;
  /** Writes the tracks recorded since the last chunk (no-op when none). */
  flush(): Promise<void>;
  /** Deletes the folder (once the index is written). */
  remove(): Promise<void>;
}

export function keyHash(key: CheckpointKey): string {
  return createHash('sha256').update(JSON.stringify(key)).digest('hex');
}

/** Opens the checkpoint in `dir`: restores its chunks when its key matches, else starts it afresh. */
export async function openCheckpoint(opts: CheckpointOptions): Promise<AudioCheckpoint> {
  const { dir, key } = opts;
  const log = opts.log ?? (() => {});
  const hash = keyHash(key);
  const n = key.tracks;
  const embeddings = createMatrix(n, key.dim);
  const mask = new Uint8Array(n);
  const done = new Uint8Array(n);
  const failures: AudioFailure[] = [];

  const existing = await readKey(dir);
  if (existing && keyHash(existing) !== hash) {
    log(`checkpoint ${dir} was made for another build (different ${differences(existing, key).join(', ')}); starting fresh.`);
    await removeCheckpointDir(dir);
  } else if (!existing) {
    await removeCheckpointDir(dir);
  }
  await mkdir(dir, { recursive: true });
  if (!existing || keyHash(existing) !== hash) {
    await writeFileAtomic(path.join(dir, 'checkpoint.json'), `${JSON.stringify({ format: CHECKPOINT_FORMAT, key }, null, 2)}\n`);
  }

  let nextChunk = 1;
  for (const name of (await readdir(dir)).sort()) {
    if (name.includes('.tmp-')) {
      await rm(path.join(dir, name), { force: true }); // a write cut short by a kill
      continue;
    }
    const m = CHUNK_RE.exec(name);
    if (!m) continue;
    nextChunk = Math.max(nextChunk, Number(m[1]) + 1);
    const file = path.join(dir, name);
    let chunk: { header: ChunkHeader; rows: Float32Array };
    try {
      chunk = parseChunk(await readFile(file), hash, key.dim, n);
    } catch (err) {
      log(`checkpoint chunk ${name} is damaged (${(err as Error).message}); its tracks will be embedded again.`);
      await rm(file, { force: true });
      continue;
    }
    const { header, rows } = chunk;
    header.indices.forEach((index, j) => {
      done[index] = 1;
      mask[index] = header.mask[j] ? 1 : 0;
      embeddings.data.set(rows.subarray(j * key.dim, (j + 1) * key.dim), index * key.dim);
    });
    failures.push(...header.failures);
  }
  const resumed = done.reduce((s, v) => s + v, 0);

  let pending: { index: number; row: Float32Array | null; failure: AudioFailure | null }[] = [];
  let lastWrite = Date.now();
  const chunkTracks = Math.max(1, opts.chunkTracks ?? 16);
  const chunkMs = opts.chunkMs ?? 10_000;

  async function flush(): Promise<void> {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const rows = new Float32Array(batch.length * key.dim);
    batch.forEach((p, j) => p.row && rows.set(p.row, j * key.dim));
    const data = Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength);
    const header: ChunkHeader = {
      format: CHECKPOINT_FORMAT,
      key: hash,
      dim: key.dim,
      indices: batch.map((p) => p.index),
      mask: batch.map((p) => (p.row ? 1 : 0)),
      failures: batch.flatMap((p) => (p.failure ? [p.failure] : [])),
      dataSha256: createHash('sha256').update(data).digest('hex'),
    };
    const name = `chunk-${String(nextChunk++).padStart(6, '0')}.bin`;
    await writeFileAtomic(path.join(dir, name), encodeChunk(header, data));
    lastWrite = Date.now();
  }

  return {
    dir,
    resumed,
    done,
    embeddings,
    mask,
    failures,
    async record(index, result) {
      if (!(index >= 0 && index < n)) throw new RangeError(`track index ${index} outside 0..${n - 1}`);
      const row = result instanceof Float32Array ? result : null;
      const failure = result instanceof Float32Array ? null : result;
      if (row && row.length !== key.dim) throw new RangeError(`row of ${row.length} values, expected ${key.dim}`);
      done[index] = 1;
      mask[index] = row ? 1 : 0;
      if (row) embeddings.data.set(row, index * key.dim);
      else embeddings.data.fill(0, index * key.dim, (index + 1) * key.dim);
      if (failure) failures.push(failure);
      pending.push({ index, row, failure });
      if (pending.length >= chunkTracks || Date.now() - lastWrite >= chunkMs) await flush();
    },
    flush,
    async remove() {
      await removeCheckpointDir(dir);
    },
  };
}

function encodeChunk(header: ChunkHeader, data: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const used = MAGIC.length + 4 + json.length;
  const pad = Buffer.alloc((4 - (used % 4)) % 4, 0x20);
  return Buffer.concat([MAGIC, len, json, pad, data]);
}

function parseChunk(buf: Buffer, hash: string, dim: number, tracks: number): { header: ChunkHeader; rows: Float32Array } {
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a checkpoint chunk');
  const len = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (start + len > buf.length) throw new Error('header cut short');
  const header = JSON.parse(buf.subarray(start, start + len).toString('utf8')) as ChunkHeader;
  if (header.format !== CHECKPOINT_FORMAT || header.key !== hash || header.dim !== dim) throw new Error('made by another build');
  const count = header.indices.length;
  if (header.mask.length !== count) throw new Error('mask and indices disagree');
  if (!header.indices.every((i) => Number.isInteger(i) && i >= 0 && i < tracks)) throw new Error('track index out of range');
  const dataStart = start + len + ((4 - ((start + len) % 4)) % 4);
  const data = buf.subarray(dataStart);
  if (data.length !== count * dim * 4) throw new Error(`${data.length} bytes of rows, expected ${count * dim * 4}`);
  if (createHash('sha256').update(data).digest('hex') !== header.dataSha256) throw new Error('rows do not match their checksum');
  // Copy into an aligned buffer: `data` may start at any byte offset of the file buffer.
  const rows = new Float32Array(count * dim);
  new Uint8Array(rows.buffer).set(data);
  return { header, rows };
}

async function readKey(dir: string): Promise<CheckpointKey | null> {
  try {
    const parsed = JSON.parse(await readFile(path.join(dir, 'checkpoint.json'), 'utf8')) as { format?: number; key?: CheckpointKey };
    return parsed.format === CHECKPOINT_FORMAT && parsed.key ? parsed.key : null;
  } catch {
    return null;
  }
}

const KEY_LABELS: Record<keyof CheckpointKey, string> = {
  catalogSha256: 'catalog',
  tracks: 'track count',
  clapModel: 'CLAP model',
  modelFiles: 'model files',
  dtype: 'dtype',
  dim: 'embedding size',
  policy: 'window policy',
  audioRoot: 'audio root',
};

function differences(a: CheckpointKey, b: CheckpointKey): string[] {
  const out = (Object.keys(KEY_LABELS) as (keyof CheckpointKey)[])
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => KEY_LABELS[k]);
  return out.length ? out : ['format'];
}

/** Deletes a checkpoint folder, but only one holding nothing except checkpoint files. */
async function removeCheckpointDir(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const foreign = names.filter((n) => n !== 'checkpoint.json' && !CHUNK_RE.test(n) && !n.includes('.tmp-'));
  if (foreign.length > 0) {
    throw new UserError(
      `${dir} is in the way of the build's checkpoint and holds other files (${foreign.slice(0, 3).join(', ')}).`,
      'Move or delete that folder, or choose another --out.',
    );
  }
  await rm(dir, { recursive: true, force: true });
}
