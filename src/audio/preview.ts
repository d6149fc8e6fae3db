import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { forbidsDerivatives, type Track } from '../catalog/track.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { AudioError, type AudioErrorCode } from './audio-error.ts';
import { resolveTrackAudio } from './audio-paths.ts';
import { mapConcurrent } from './concurrency.ts';
import { contentTypeOf } from './encode.ts';
import { ffmpegBinary, runTool, toolReason, type FfmpegTools } from './ffmpeg-process.ts';
import {
  BITRATE_LADDER_KBPS,
  DEFAULT_EXCERPT_SEC,
  DEFAULT_UPLOAD_LIMIT_BYTES,
  formatBytes,
  planClip,
  type ClipPlan,
} from './preview-plan.ts';
import { probeAudio } from './probe.ts';

/**
 * Preview clips: an excerpt of a track as MP3 that fits Discord's upload limit, cached on disk.
 *
 * - Default: 30 s from the middle (shorter tracks whole), 160 kbps; a smaller limit lowers the
 *   bitrate, then the duration, or gives no clip.
 * - Licences that forbid derivatives (CC *-ND): never cut or re-encoded; the original file is
 *   offered as is when it fits the limit, else no clip.
 * - Cache: `<cacheDir>/<track id>-<key>.mp3` + `.json` (what was made). The key hashes the track
 *   id, the source file's size and mtime, and the excerpt settings, so a replaced source or
 *   other settings make a new clip. A clip made for a tight limit has the limit in its key too.
 *   Files are written under temp names and renamed, so readers never see half a clip.
 */

export interface PreviewOptions extends FfmpegTools {
  audioRoot: string;
  cacheDir: string;
  /** Upload limit in bytes (default 10 MiB; pass `interaction.attachmentSizeLimit`). */
  limitBytes?: number;
  /** Excerpt length in seconds (default 30). */
  excerptSec?: number;
  /** Preferred MP3 bitrate (default 160 kbps); lowered only to fit the limit. */
  bitrateKbps?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PreviewClip {
  kind: 'clip';
  /** The file to attach (in the cache, or the original for no-derivatives licences). */
  file: string;
  bytes: number;
  contentType: string;
  /** Attachment name for users, e.g. `Artist - Title.mp3`. */
  filename: string;
  durationSec: number;
  /** False when `file` is the untouched original. */
  derived: boolean;
  /** True when an existing cached clip was returned without encoding. */
  cached: boolean;
  /** Encoding bitrate of a derived clip. */
  bitrateKbps?: number;
  /** Where a derived excerpt starts in the source. */
  startSec?: number;
  /** The source was MTG-Jamendo's `.low` variant. */
  lowQuality: boolean;
}

export interface PreviewNone {
  kind: 'none';
  reason: string;
}

export type PreviewResult = PreviewClip | PreviewNone;

/** What the `.json` next to a cached clip records. */
interface ClipMeta {
  version: 1;
  trackId: string;
  source: { file: string; bytes: number; mtimeMs: number };
  startSec: number;
  durationSec: number;
  bitrateKbps: number;
  bytes: number;
}

/** Failures that mean "this track has no preview", not "the machine is misconfigured". */
const NO_CLIP_CODES: ReadonlySet<AudioErrorCode> = new Set(['missing', 'unsafe-path', 'unreadable', 'empty', 'silent']);

/**
 * The preview for one track: from the cache, or made now. Problems with the track (no path,
 * missing or unreadable file, licence, limit) give `{kind:'none', reason}`; a missing ffmpeg,
 * a timeout or a cache-dir error throw.
 */
export async function getPreview(track: Track, opts: PreviewOptions): Promise<PreviewResult> {
  try {
    return await previewOrThrow(track, opts);
  } catch (err) {
    if (err instanceof AudioError && NO_CLIP_CODES.has(err.code)) return { kind: 'none', reason: err.message };
    throw err;
  }
}

async function previewOrThrow(track: Track, opts: PreviewOptions): Promise<PreviewResult> {
  const limit = opts.limitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
  if (!(limit > 0)) throw new RangeError(`limitBytes must be positive, got ${limit}`);
  if (!track.path) return { kind: 'none', reason: `track ${track.id} has no audio file` };
  const source = await resolveTrackAudio(opts.audioRoot, track.path);
  const st = await stat(source.file);

  if (forbidsDerivatives(track.license)) {
    if (st.size > limit) {
      return {
        kind: 'none',
        reason: `licence forbids derivatives and the original is ${formatBytes(st.size)} (limit ${formatBytes(limit)})`,
      };
    }
    const probe = await probeAudio(source.file, opts);
    return {
      kind: 'clip',
      file: source.file,
      bytes: st.size,
      contentType: contentTypeOf(source.file),
      filename: attachmentName(track, originalExtension(source.file)),
      durationSec: probe.durationSec,
      derived: false,
      cached: false,
      lowQuality: source.lowQuality,
    };
  }

  const excerptSec = opts.excerptSec ?? DEFAULT_EXCERPT_SEC;
  const preferredKbps = opts.bitrateKbps ?? BITRATE_LADDER_KBPS[0];
  const key = cacheKey({ v: 1, id: track.id, bytes: st.size, mtimeMs: st.mtimeMs, excerptSec, preferredKbps });
  const stem = path.join(opts.cacheDir, `${safeName(track.id)}-${key}`);
  const preferredFile = `${stem}.mp3`;
  const fittedFile = `${stem}-max${limit}.mp3`;

  for (const file of [preferredFile, fittedFile]) {
    const hit = await readCached(file, limit);
    if (hit) return clipResult(track, file, hit, true, source.lowQuality);
  }

  const probe = await probeAudio(source.file, opts);
  const input = { sourceSec: probe.durationSec, sourceChannels: probe.channels, excerptSec };
  const unconstrained = planClip({ ...input, limitBytes: Number.POSITIVE_INFINITY, maxKbps: preferredKbps });
  let maxKbps = preferredKbps;
  // CBR sizes are predictable, so the first plan nearly always fits; retry lower if not.
  for (let attempt = 0; attempt < 3; attempt++) {
    const plan = planClip({ ...input, limitBytes: limit, maxKbps });
    if ('none' in plan) return { kind: 'none', reason: plan.none };
    const isPreferred =
      !('none' in unconstrained) &&
      plan.bitrateKbps === unconstrained.bitrateKbps &&
      plan.durationSec === unconstrained.durationSec;
    const target = isPreferred ? preferredFile : fittedFile;
    const meta = await encodeClip(source.file, target, plan, probe.durationSec, track.id, st, opts);
    if (meta.bytes <= limit) return clipResult(track, target, meta, false, source.lowQuality);
    await rm(target, { force: true });
    const lower = BITRATE_LADDER_KBPS.find((k) => k < plan.bitrateKbps);
    if (lower === undefined) break;
    maxKbps = lower;
  }
  return { kind: 'none', reason: `no clip of this track fits the upload limit (${formatBytes(limit)})` };
}

export interface BuildPreviewsOptions extends PreviewOptions {
  /** ffmpeg processes at once (default 2). */
  concurrency?: number;
  onProgress?: (done: number, total: number, trackId: string, result: PreviewResult) => void;
}

export interface BuildPreviewsReport {
  results: { trackId: string; result: PreviewResult }[];
  /** Clips made now / found in the cache / originals used as is / tracks with no clip. */
  made: number;
  cached: number;
  originals: number;
  none: number;
}

/** Makes (or finds) the previews of many tracks ahead of time, a few ffmpeg processes at once. */
export async function buildPreviews(tracks: readonly Track[], opts: BuildPreviewsOptions): Promise<BuildPreviewsReport> {
  let done = 0;
  const results = await mapConcurrent(tracks, opts.concurrency ?? 2, async (track) => {
    const result = await getPreview(track, opts);
    opts.onProgress?.(++done, tracks.length, track.id, result);
    return { trackId: track.id, result };
  });
  const count = (pred: (r: PreviewResult) => boolean): number => results.filter((r) => pred(r.result)).length;
  return {
    results,
    made: count((r) => r.kind === 'clip' && r.derived && !r.cached),
    cached: count((r) => r.kind === 'clip' && r.cached),
    originals: count((r) => r.kind === 'clip' && !r.derived),
    none: count((r) => r.kind === 'none'),
  };
}

async function encodeClip(
  sourceFile: string,
  target: string,
  plan: ClipPlan,
  sourceSec: number,
  trackId: string,
  st: { size: number; mtimeMs: number },
  opts: PreviewOptions,
): Promise<ClipMeta> {
  await mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fades = [];
  if (plan.startSec > 0) fades.push('afade=t=in:d=0.3');
  // A cut end fades out over the last second; a whole-track clip keeps its own ending.
  const cutEnd = plan.startSec + plan.durationSec;
  if (!(cutEnd >= sourceSec - 0.05) && plan.durationSec > 2) {
    fades.push(`afade=t=out:st=${(plan.durationSec - 1).toFixed(3)}:d=1`);
  }
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-y'];
  if (plan.startSec > 0) args.push('-ss', String(plan.startSec));
  args.push('-t', String(plan.durationSec), '-i', sourceFile, '-map', '0:a:0', '-vn', '-sn', '-dn', '-map_metadata', '-1');
  if (fades.length) args.push('-af', fades.join(','));
  args.push('-ac', String(plan.channels), '-ar', String(plan.sampleRate),
    '-c:a', 'libmp3lame', '-b:a', `${plan.bitrateKbps}k`, '-f', 'mp3', tmp);
  try {
    const res = await runTool(ffmpegBinary(opts), args, {
      file: sourceFile,
      timeoutMs: opts.timeoutMs ?? 120_000,
      launcher: opts.launcher,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.code !== 0) {
      throw new AudioError('unreadable', sourceFile, `Cannot make a preview of ${sourceFile}: ${toolReason(res.stderr, sourceFile)}.`);
    }
    // Check what was written plays: a clip no player can read is worse than none.
    const out = await probeAudio(tmp, opts);
    const meta: ClipMeta = {
      version: 1,
      trackId,
      source: { file: sourceFile, bytes: st.size, mtimeMs: st.mtimeMs },
      startSec: plan.startSec,
      durationSec: out.durationSec,
      bitrateKbps: plan.bitrateKbps,
      bytes: out.bytes,
    };
    await rename(tmp, target);
    await writeFileAtomic(metaPath(target), `${JSON.stringify(meta, null, 2)}\n`);
    return meta;
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * A clip of `trackId` already in the cache, whatever source and settings made it (the newest when
 * there are several): what voice playback falls back to when the track's own file is gone. Only
 * clips whose `.json` names this track and agrees with the clip count.
 */
export async function findCachedClip(trackId: string, cacheDir: string): Promise<string | undefined> {
  const prefix = `${safeName(trackId)}-`;
  let names: string[];
  try {
    names = await readdir(cacheDir);
  } catch {
    return undefined;
  }
  const clips: { file: string; mtimeMs: number }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^[0-9a-f]{16}(-max\d+)?\.mp3$/.test(name.slice(prefix.length))) continue;
    const file = path.join(cacheDir, name);
    const meta = await readCached(file, Number.POSITIVE_INFINITY);
    if (meta?.trackId !== trackId) continue;
    const st = await stat(file).catch(() => undefined);
    if (st) clips.push({ file, mtimeMs: st.mtimeMs });
  }
  return clips.sort((a, b) => b.mtimeMs - a.mtimeMs)[0]?.file;
}

/** A cached clip if both files are there, agree, and it fits the limit. */
async function readCached(file: string, limit: number): Promise<ClipMeta | undefined> {
  let meta: ClipMeta;
  let bytes: number;
  try {
    meta = JSON.parse(await readFile(metaPath(file), 'utf8')) as ClipMeta;
    bytes = (await stat(file)).size;
  } catch {
    return undefined;
  }
  if (meta.version !== 1 || meta.bytes !== bytes || bytes > limit) return undefined;
  return meta;
}

function clipResult(track: Track, file: string, meta: ClipMeta, cached: boolean, lowQuality: boolean): PreviewClip {
  return {
    kind: 'clip',
    file,
    bytes: meta.bytes,
    contentType: 'audio/mpeg',
    filename: attachmentName(track, '.mp3'),
    durationSec: meta.durationSec,
    derived: true,
    cached,
    bitrateKbps: meta.bitrateKbps,
    startSec: meta.startSec,
    lowQuality,
  };
}

function metaPath(clipFile: string): string {
  return clipFile.replace(/\.mp3$/, '.json');
}

function cacheKey(parts: Record<string, string | number>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** `Artist - Title.mp3` when known, else the track id; only characters safe in any file system. */
export function attachmentName(track: Pick<Track, 'id' | 'title' | 'artist'>, ext: string): string {
  const label = track.title ? (track.artist ? `${track.artist} - ${track.title}` : track.title) : track.id;
  const base = safeName(label).slice(0, 80) || safeName(track.id);
  return `${base}${ext}`;
}

function safeName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9 ._-]+/g, '_')
    .replace(/^[ ._]+|[ ._]+$/g, '');
}

/** The extension of an original (`48/948.low.mp3` → `.mp3`: the `.low` is ours, not the user's). */
function originalExtension(file: string): string {
  return path.extname(file).toLowerCase();
}
