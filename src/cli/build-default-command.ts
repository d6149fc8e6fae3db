import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeDemoAudio } from '../audio/demo-audio.ts';
import { writeCatalog } from '../catalog/catalog-file.ts';
import { generateDemoCatalog } from '../catalog/demo-catalog.ts';
import { loadConfig, modelRuntime } from '../config.ts';
import { buildAudioIndex } from '../indexing/audio/build-audio-index.ts';
import { isBuildInterrupted } from '../indexing/audio/interrupted.ts';
import { EXIT_INTERRUPTED, stopOnSignals } from '../indexing/audio/stop-on-signals.ts';
import { createProgress } from '../indexing/progress.ts';
import { addLexicalStage } from '../indexing/lexical/add-lexical-stage.ts';
import { readManifest } from '../retrieval/artifacts/load-index.ts';
import { modelFingerprint } from '../retrieval/encoders/model-files.ts';
import { INDEX_FILES, indexMode } from '../retrieval/artifacts/manifest.ts';
import { GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../models/generated-ids.ts';
import { type CommandIo, processIo } from './run-command.ts';

/** Where the demo catalog (and its synthesized audio) live: generated, never committed. */
export const DEMO_DIR = 'demo';
export const DEMO_AUDIO_DIR = path.join(DEMO_DIR, 'audio');
export const DEFAULT_INDEX_NAME = 'default';
/** Fused score of the demo index: half text, half (stand-in) CLAP. */
export const DEMO_TEXT_WEIGHT = 0.5;

/** Why an existing default index must be rebuilt, or null to keep it. */
export async function defaultIndexStaleReason(outDir: string, modelsDir: string): Promise<string | null> {
  if (!existsSync(path.join(outDir, INDEX_FILES.manifest))) return 'absent';
  let manifest;
  try {
    manifest = await readManifest(outDir);
  } catch {
    return 'unreadable';
  }
  // Set-ups from before audio indexing have a text-only default: give them the two-stage one.
  if (indexMode(manifest) !== 'two-stage') return 'text-only (built before audio embeddings)';
  if (!manifest.scoring) return 'built before the demo recommended fused scoring';
  for (const ref of [manifest.models.text, manifest.models.clap]) {
    if (ref && ref.fingerprint !== ((await modelFingerprint(modelsDir, ref.id)) ?? undefined)) {
      return `embedded with another copy of ${ref.id} (the generated models were regenerated)`;
    }
  }
  return null;
}

/**
 * Builds the embedded default index: the deterministic demo catalog and its synthesized audio
 * (demo/audio, kept when present), embedded with the generated models (SBERT text, tiny CLAP
 * audio), in EMBEDDINGS_DIR/default: a two-stage index whose tracks have clips to attach.
 * Kept when present and two-stage, unless --force.
 */
export async function buildDefaultCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { force: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } } });
  const config = loadConfig();
  const outDir = path.join(config.index.embeddingsDir, DEFAULT_INDEX_NAME);
  const stale = values.force ? 'rebuild asked (--force)' : await defaultIndexStaleReason(outDir, config.models.dir);
  if (!stale) {
    // Built before the lexical stage: add it in place (a second; nothing is re-embedded).
    if (!(await readManifest(outDir)).lexical) {
      const m = await addLexicalStage(outDir);
      io.out(`default index present: ${outDir}; lexical stage added (version ${m.version})`);
      return 0;
    }
    io.out(`default index present: ${outDir}`);
    return 0;
  }
  if (stale !== 'absent') io.err(`default index ${outDir}: ${stale}; rebuilding.`);

  const started = performance.now();
  const demoDir = path.resolve(DEMO_DIR);
  const audioRoot = path.resolve(DEMO_AUDIO_DIR);
  await mkdir(audioRoot, { recursive: true });
  const catalogFile = path.join(demoDir, 'catalog.csv');
  const tracks = generateDemoCatalog();
  await writeCatalog(catalogFile, tracks);

  // The audio is deterministic: files already there are kept (an interrupted set-up resumes).
  const synth = createProgress({ label: 'synth', total: tracks.length, unit: 'tracks', silent: values.quiet });
  let lastDone = 0;
  const audio = await writeDemoAudio(tracks, audioRoot, {
    ...config.audio.tools,
    onProgress: (done) => {
      synth.tick(done - lastDone);
      lastDone = done;
    },
  }).finally(() => synth.stop());
  const synthMs = performance.now() - started;

  const stop = stopOnSignals(io.err);
  let report;
  try {
    report = await buildAudioIndex({
      catalogFile,
      outDir,
      name: DEFAULT_INDEX_NAME,
      factory: 'Flat',
      sbertModel: GENERATED_SBERT_ID,
      clapModel: GENERATED_CLAP_ID,
      audioRoot,
      ffmpegPath: config.audio.tools.ffmpegPath,
      runtime: { ...modelRuntime(config), allowRemote: false },
      // The generated CLAP is untrained: on its own it would reorder the candidates at random.
      scoring: { textWeight: DEMO_TEXT_WEIGHT, reason: 'generated stand-in CLAP model (untrained): text relevance leads' },
      silent: values.quiet,
      stop: stop.signal,
      log: io.err,
    });
  } catch (err) {
    if (!isBuildInterrupted(err)) throw err;
    io.err(`build-default: ${err.full}`);
    return EXIT_INTERRUPTED;
  } finally {
    stop.release();
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const audioRate = report.audioMs > 0 ? (report.stats.tracks / report.audioMs) * 1000 : 0;
  io.out(
    `default index built: ${outDir} (${report.tracks} demo tracks, ${indexMode(report.manifest)}, version ${report.manifest.version}) — ` +
      `audio synth ${s(synthMs)} (${audio.written} written, ${audio.skipped} kept), models + text + faiss ${s(report.totalMs - report.audioMs)}, ` +
      `audio embeddings ${s(report.audioMs)} (${report.stats.windows} windows, ${audioRate.toFixed(1)} tracks/s)`,
  );
  return 0;
}
