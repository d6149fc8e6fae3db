import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { readCatalog } from '../catalog/catalog-file.ts';
import { parsePythonStringList } from '../catalog/jamendo/python-list.ts';
import { splitKeywordTail } from '../catalog/keyword-tail.ts';
import { normalizeTags } from '../catalog/tags.ts';
import type { Track } from '../catalog/track.ts';
import { UserError } from '../errors.ts';
import type { IndexManifest, ModelRef } from '../retrieval/artifacts/manifest.ts';
import { decodeNpy, type NpyArray } from '../retrieval/artifacts/npy.ts';
import { writeIndexFolder } from '../retrieval/artifacts/write-index.ts';
import { modelOutputDim } from '../retrieval/encoders/model-dims.ts';
import type { ModelDtype } from '../retrieval/encoders/types.ts';
import { type Matrix, norm, normalizeInPlace, row } from '../retrieval/matrix.ts';
import { defaultFactoryFor, VectorIndex } from '../retrieval/vector-index.ts';

/** The artifacts written by the prototype's compute_embedds.py and compute_clap_audio_emb.py. */
export const PYTHON_FILES = {
  meta: 'meta_index.csv',
  sbert: 'sbert_embs.npy',
  faiss: 'sbert_text_index.faiss',
  clapAudio: 'clap_audio_embs.npy',
  clapMask: 'clap_audio_processed.npy',
} as const;

export interface ImportPythonOptions {
  dir: string;
  outDir: string;
  name?: string;
  sbertModel: string;
  clapModel: string;
  modelsDir: string;
  dtype: ModelDtype;
  factory?: string;
  /** A catalog file whose credits (title, artist, licence, path, duration…) join by track id. */
  creditsCatalog?: string;
}

export interface ImportReport {
  manifest: IndexManifest;
  rows: number;
  audioEmbedded: number;
  /** Rows marked processed whose vector was all zeros: treated as not embedded. */
  emptyAudioRows: number;
  creditsJoined: number;
  warnings: string[];
}

class ImportError extends UserError {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`, 'Check that every file comes from the same run of the prototype, or re-run its scripts.');
  }
}

async function readInput(dir: string, name: string): Promise<Buffer> {
  const file = path.join(dir, name);
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImportError(file, code === 'ENOENT' ? 'missing file' : `cannot read (${code})`);
  }
}

function tagList(cell: string | undefined): string[] {
  if (!cell?.trim()) return [];
  return parsePythonStringList(cell) ?? cell.split(/[,;|]/);
}

/** meta_index.csv: row i describes row i of every matrix, so each row must parse and be in order. */
function parseMeta(file: string, text: string): Track[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, bom: true, relax_quotes: false });
  } catch (err) {
    throw new ImportError(file, `not a valid CSV (${(err as Error).message})`);
  }
  const required = ['index', 'TRACK_ID', 'caption'];
  const missing = required.filter((c) => !(records[0] && c in records[0]));
  if (records.length === 0) throw new ImportError(file, 'no rows');
  if (missing.length) throw new ImportError(file, `missing column(s) ${missing.join(', ')}`);
  return records.map((r, i) => {
    if (Number(r.index) !== i) throw new ImportError(file, `line ${i + 2}: index ${r.index}, expected ${i} (rows must follow the matrices' order)`);
    const { text: caption, keywords } = splitKeywordTail(r.caption ?? '');
    return {
      id: r.TRACK_ID!.trim(),
      caption,
      keywords,
      tags: {
        mood: normalizeTags(tagList(r['Mood/Theme_TAG'])),
        genre: normalizeTags(tagList(r['Genre_TAG'])),
        instrument: normalizeTags(tagList(r['Instrument_TAG'])),
      },
    };
  });
}

function npy(file: string, buf: Buffer): NpyArray {
  try {
    return decodeNpy(buf);
  } catch (err) {
    throw new ImportError(file, (err as Error).message);
  }
}

/** Re-normalizes rows in place (the prototype's rows are not guaranteed unit length). */
function renormalize(m: Matrix): Matrix {
  for (let i = 0; i < m.rows; i++) normalizeInPlace(row(m, i));
  return m;
}

/**
 * clap_audio_embs.npy is, despite its name, a raw np.memmap (float32, no header). A real .npy
 * is accepted too. The width is inferred from the byte size and the row count.
 */
function readClapAudio(file: string, buf: Buffer, rows: number): Matrix {
  if (buf.subarray(0, 6).toString('latin1') === '\x93NUMPY') {
    const a = npy(file, buf);
    if (a.dtype !== '<f4' || a.shape.length !== 2 || a.shape[0] !== rows) {
      throw new ImportError(file, `shape (${a.shape.join(', ')}) ${a.dtype}, expected float32 (${rows}, D)`);
    }
    return { rows, dim: a.shape[1]!, data: a.data as Float32Array };
  }
  const bytesPerRow = buf.length / rows;
  if (buf.length === 0 || !Number.isInteger(bytesPerRow) || bytesPerRow % 4 !== 0) {
    throw new ImportError(
      file,
      `raw float32 memmap of ${buf.length} bytes cannot hold ${rows} equal rows (${(buf.length / 4 / rows).toFixed(2)} values per row)`,
    );
  }
  const data = new Float32Array(buf.length / 4);
  new Uint8Array(data.buffer).set(buf);
  return { rows, dim: bytesPerRow / 4, data };
}

async function checkDim(what: string, file: string, modelsDir: string, modelId: string, dim: number, warnings: string[]): Promise<void> {
  const want = await modelOutputDim(modelsDir, modelId);
  if (want === null) {
    warnings.push(`cannot verify ${what} width ${dim} against ${modelId} (model not in ${modelsDir} and not a known model)`);
    return;
  }
  if (want !== dim) {
    throw new UserError(
      `${file}: ${dim}-dimensional ${what} embeddings, but the configured model ${modelId} gives ${want}.`,
      `Set ${what === 'text' ? 'SBERT_MODEL (--sbert-model)' : 'CLAP_MODEL (--clap-model)'} to the model the prototype used.`,
    );
  }
}

/**
 * Turns the Python prototype's artifacts into an index folder. Everything is checked against
 * everything else (row counts, widths, the faiss index, the models configured) before anything
 * is written; vectors are re-normalized.
 */
export async function importPythonArtifacts(o: ImportPythonOptions): Promise<ImportReport> {
  const dir = path.resolve(o.dir);
  if (!(await stat(dir).catch(() => null))?.isDirectory()) {
    throw new UserError(`No folder at ${dir}.`, 'Point --dir at the folder holding meta_index.csv and the .npy files.');
  }
  const warnings: string[] = [];
  const f = (name: string) => path.join(dir, name);

  const metaBytes = await readInput(dir, PYTHON_FILES.meta);
  const tracks = parseMeta(f(PYTHON_FILES.meta), metaBytes.toString('utf8'));
  const n = tracks.length;

  const sbert = npy(f(PYTHON_FILES.sbert), await readInput(dir, PYTHON_FILES.sbert));
  if (sbert.dtype !== '<f4' || sbert.shape.length !== 2) {
    throw new ImportError(f(PYTHON_FILES.sbert), `expected a float32 matrix, found ${sbert.dtype} of shape (${sbert.shape.join(', ')})`);
  }
  if (sbert.shape[0] !== n) throw new ImportError(f(PYTHON_FILES.sbert), `${sbert.shape[0]} rows, ${PYTHON_FILES.meta} has ${n}`);
  const textDim = sbert.shape[1]!;
  await checkDim('text', f(PYTHON_FILES.sbert), o.modelsDir, o.sbertModel, textDim, warnings);
  const text = renormalize({ rows: n, dim: textDim, data: sbert.data as Float32Array });

  // The prototype's own faiss index must agree with its embeddings; the index is then rebuilt
  // from the re-normalized rows (in the factory asked for).
  const faissBytes = await readInput(dir, PYTHON_FILES.faiss);
  let theirs: VectorIndex;
  try {
    theirs = VectorIndex.fromBuffer(faissBytes);
  } catch (err) {
    throw new ImportError(f(PYTHON_FILES.faiss), (err as Error).message);
  }
  if (theirs.size !== n || theirs.dim !== textDim) {
    throw new ImportError(f(PYTHON_FILES.faiss), `${theirs.size} vectors of ${theirs.dim} dimensions, the embeddings are ${n} × ${textDim}`);
  }

  const audio = readClapAudio(f(PYTHON_FILES.clapAudio), await readInput(dir, PYTHON_FILES.clapAudio), n);
  await checkDim('audio', f(PYTHON_FILES.clapAudio), o.modelsDir, o.clapModel, audio.dim, warnings);
  const maskArr = npy(f(PYTHON_FILES.clapMask), await readInput(dir, PYTHON_FILES.clapMask));
  if (maskArr.dtype !== '|b1' || maskArr.shape.length !== 1 || maskArr.shape[0] !== n) {
    throw new ImportError(f(PYTHON_FILES.clapMask), `expected bool (${n},), found ${maskArr.dtype} (${maskArr.shape.join(', ')})`);
  }
  const mask = Uint8Array.from(maskArr.data as Uint8Array, (v) => (v ? 1 : 0));
  let emptyAudioRows = 0;
  for (let i = 0; i < n; i++) {
    const v = row(audio, i);
    if (!mask[i]) v.fill(0); // never embedded: whatever the memmap held is not a vector
    else if (norm(v) === 0) {
      mask[i] = 0;
      emptyAudioRows++;
    } else normalizeInPlace(v);
  }
  if (emptyAudioRows) warnings.push(`${emptyAudioRows} rows marked processed held zeros: treated as not embedded`);

  let creditsJoined = 0;
  if (o.creditsCatalog) {
    const credits = new Map((await readCatalog(o.creditsCatalog)).map((t) => [t.id, t]));
    tracks.forEach((t, i) => {
      const c = credits.get(t.id);
      if (!c) return;
      creditsJoined++;
      // Tags, caption and keywords stay the prototype's (they are what was embedded).
      tracks[i] = { ...c, id: t.id, tags: t.tags, caption: t.caption, keywords: t.keywords.length ? t.keywords : c.keywords };
    });
  }

  const ref = (id: string, dim: number): ModelRef => ({ id, dim, dtype: o.dtype });
  const embedded = mask.reduce((s, v) => s + v, 0);
  const manifest = await writeIndexFolder(o.outDir, {
    name: o.name ?? path.basename(path.resolve(o.outDir)),
    catalog: { source: PYTHON_FILES.meta, sha256: createHash('sha256').update(metaBytes).digest('hex') },
    tracks,
    models: { text: ref(o.sbertModel, textDim), clap: ref(o.clapModel, audio.dim) },
    textEmbeddings: text,
    textIndex: VectorIndex.build(text, o.factory ?? defaultFactoryFor(text.rows)),
    audio: {
      embeddings: audio,
      mask,
      failed: n - embedded,
      policy: { name: 'python-prototype', source: 'compute_clap_audio_emb.py', note: 'imported; windowing as the prototype did' },
    },
    builtBy: 'cratedigger import-python',
  });
  return { manifest, rows: n, audioEmbedded: embedded, emptyAudioRows, creditsJoined, warnings };
}
