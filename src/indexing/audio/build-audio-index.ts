import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { readCatalogWithHash } from '../../catalog/catalog-file.ts';
import { UserError } from '../../errors.ts';
import { CLAP_WINDOW_POLICY } from '../../audio/windows.ts';
import type { IndexManifest } from '../../retrieval/artifacts/manifest.ts';
import { modelFingerprint, onnxFileName } from '../../retrieval/encoders/model-files.ts';
import { buildIndex, type BuildIndexOptions } from '../build-index.ts';
import { type AudioCheckpoint, openCheckpoint } from './checkpoint.ts';
import { type AudioRunStats, embedCatalogAudio } from './embed-catalog-audio.ts';
import { type AudioFailure, countByReason, failureReportCsv } from './failures.ts';

export interface AudioIndexOptions extends Omit<BuildIndexOptions, 'audio'> {
  audioRoot: string;
  clapModel: string;
  /** Default `<outDir>.partial`. */
  checkpointDir?: string;
  /** Tracks decoded ahead of inference (default 2). */
  prefetch?: number;
  /** Tracks per checkpoint chunk (default 16). */
  chunkTracks?: number;
  decodeTimeoutMs?: number;
  /** The ffmpeg that decodes the tracks (default: the one on PATH). */
  ffmpegPath?: string;
  /** Abort to stop after the current track (SIGINT): throws BuildInterrupted once saved. */
  stop?: AbortSignal;
  /** Lines for people (resuming, fresh start, summary). */
  log?: (line: string) => void;
}

export interface AudioIndexReport {
  manifest: IndexManifest;
  tracks: number;
  embedded: number;
  failures: readonly AudioFailure[];
  /** Tracks restored from a checkpoint. */
  resumed: number;
  stats: AudioRunStats;
  /** Wall time of the audio part (checkpoint + decode + embed), and of the whole build. */
  audioMs: number;
  totalMs: number;
}

/** What the manifest records about how audio vectors were made (a rebuild must match it). */
export function audioPolicy(clapModel: string, dtype: string): Record<string, unknown> {
  return {
    ...CLAP_WINDOW_POLICY,
    pooling: 'mean of window embeddings, L2-normalized',
    batching: 'one encoder run per track',
    clapModel,
    dtype,
  };
}

/**
 * An index with text and CLAP audio embeddings, resumable: audio rows are checkpointed beside
 * the output as they are made; a rerun of the same build continues from there, and the
 * checkpoint is removed once the index folder is written. Tracks whose audio cannot be used
 * are reported (`audio_failures.csv`) and get no audio row (mask 0).
 */
export async function buildAudioIndex(opts: AudioIndexOptions): Promise<AudioIndexReport> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const audioRoot = await checkAudioRoot(opts.audioRoot);
  const { sha256, tracks: catalogTracks } = await readCatalogWithHash(opts.catalogFile);
  const checkpointDir = path.resolve(opts.checkpointDir ?? `${path.resolve(opts.outDir)}.partial`);
  const modelFiles = await modelFilesId(opts.runtime.modelsDir, opts.clapModel, opts.runtime.dtype);
  const policy = audioPolicy(opts.clapModel, opts.runtime.dtype);

  let checkpoint: AudioCheckpoint | undefined;
  let stats: AudioRunStats | undefined;
  let audioMs = 0;
  const manifest = await buildIndex({
    ...opts,
    audio: {
      clapModel: opts.clapModel,
      audioRoot,
      embed: async (tracks, encoders) => {
        const audioStarted = performance.now();
        const encoder = encoders.clapAudio;
        if (!encoder) throw new Error('the encoder worker has no CLAP audio tower loaded');
        if (tracks.length !== catalogTracks.length || tracks.some((t, i) => t.id !== catalogTracks[i]!.id)) {
          throw new UserError(`${opts.catalogFile} changed while the index was being built.`, 'Run the build again.');
        }
        checkpoint = await openCheckpoint({
          dir: checkpointDir,
          key: { catalogSha256: sha256, tracks: tracks.length, clapModel: opts.clapModel, modelFiles, dtype: opts.runtime.dtype, dim: encoder.dim, policy, audioRoot },
          ...(opts.chunkTracks ? { chunkTracks: opts.chunkTracks } : {}),
          log,
        });
        if (checkpoint.resumed > 0) log(`resuming: ${checkpoint.resumed} of ${tracks.length} tracks already embedded (checkpoint ${checkpointDir})`);
        stats = await embedCatalogAudio(tracks, encoder, {
          audioRoot,
          checkpoint,
          silent: opts.silent,
          ...(opts.prefetch ? { prefetch: opts.prefetch } : {}),
          ...(opts.stop ? { stop: opts.stop } : {}),
          ...(opts.decodeTimeoutMs ? { decodeTimeoutMs: opts.decodeTimeoutMs } : {}),
          ...(opts.ffmpegPath ? { ffmpegPath: opts.ffmpegPath } : {}),
        });
        audioMs = performance.now() - audioStarted;
        return {
          embeddings: checkpoint.embeddings,
          mask: checkpoint.mask,
          failed: checkpoint.failures.length,
          policy,
          failureReport: failureReportCsv(checkpoint.failures),
        };
      },
    },
  });
  // The index folder is complete: the checkpoint has served its purpose.
  await checkpoint!.remove();
  const failures = [...checkpoint!.failures].sort((a, b) => a.index - b.index);
  const embedded = checkpoint!.mask.reduce((s, v) => s + v, 0);
  const n = checkpoint!.mask.length;
  log(`audio: ${embedded} of ${n} tracks embedded${checkpoint!.resumed ? ` (${checkpoint!.resumed} from the checkpoint)` : ''}.`);
  if (failures.length > 0) {
    log(`audio: ${failures.length} tracks have no audio embedding (${countByReason(failures)}); they rank after tracks with audio.`);
    for (const f of failures.slice(0, 5)) log(`  ${f.trackId} ${JSON.stringify(f.path)}: ${f.reason}: ${f.message}`);
    if (failures.length > 5) log(`  … ${failures.length - 5} more`);
    log(`  full list: ${path.join(path.resolve(opts.outDir), 'audio_failures.csv')}`);
  }
  return {
    manifest,
    tracks: n,
    embedded,
    failures,
    resumed: checkpoint!.resumed,
    stats: stats!,
    audioMs,
    totalMs: performance.now() - started,
  };
}

export async function checkAudioRoot(root: string): Promise<string> {
  try {
    const real = await realpath(root);
    if ((await stat(real)).isDirectory()) return real;
  } catch {
    // reported below
  }
  throw new UserError(`Audio root not found or not a folder: ${root}.`, 'Pass --audio-root <folder holding the catalog paths>.');
}

/** Identity of the audio tower's files: config/tokenizer fingerprint and the ONNX file's size. */
export async function modelFilesId(modelsDir: string, modelId: string, dtype: 'q8' | 'fp32'): Promise<string> {
  const fingerprint = (await modelFingerprint(modelsDir, modelId)) ?? 'absent';
  const onnx = await stat(path.resolve(modelsDir, modelId, 'onnx', onnxFileName('audio_model', dtype))).catch(() => null);
  return `${fingerprint}:${onnx?.size ?? 'absent'}`;
}
