import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeCatalog } from '../../src/catalog/catalog-file.ts';
import { INDEX_FILES, manifestSchema } from '../../src/retrieval/artifacts/manifest.ts';
import { decodeNpy } from '../../src/retrieval/artifacts/npy.ts';
import { GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../../src/models/generated-ids.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { ensureGeneratedModels } from '../helpers/models.ts';
import { MODELS_DIR, REPO_ROOT } from '../helpers/paths.ts';
import { recordingTool } from '../helpers/recording-tool.ts';
import { runCli } from '../helpers/run-cli.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { type AudioCatalogFixture, writeAudioCatalog } from './audio-fixtures.ts';

/**
 * The audio index build as people run it: `tsx src/main/cli.ts index --audio-root …` in a child
 * process, stopped by Ctrl-C and by kill -9, resumed, and compared with a build never stopped.
 */

const TRACKS = 48;
const base = await fileTempDir('audio-build');
let fixture: AudioCatalogFixture;
let catalogFile: string;

const env = { MODELS_DIR, MODEL_DTYPE: 'q8', ORT_THREADS: '1', LOG_LEVEL: 'info' };
const indexArgs = (out: string) => [
  'index', '--catalog', catalogFile, '--audio-root', fixture.root, '--out', out,
  '--sbert-model', GENERATED_SBERT_ID, '--clap-model', GENERATED_CLAP_ID,
];

beforeAll(async () => {
  await ensureGeneratedModels();
  fixture = await writeAudioCatalog(base, TRACKS);
  catalogFile = path.join(base, 'catalog.csv');
  await writeCatalog(catalogFile, fixture.tracks);
}, 120_000);

interface Running {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts the CLI in its own process group, as a terminal would (Ctrl-C goes to the group). */
function start(args: string[]): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/main/cli.ts'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stdout!.resume();
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
}

async function chunks(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir)).filter((n) => /^chunk-\d+\.bin$/.test(n)) : [];
}

/** Resolves once the checkpoint has more than `than` chunks (the build is mid-way). */
async function waitForChunks(dir: string, than: number, run: Running): Promise<void> {
  let ended: { stderr: string } | undefined;
  void run.done.then((r) => (ended = r));
  await waitFor(async () => (await chunks(dir)).length > than, {
    what: `a checkpoint with ${than + 1} chunks`,
    intervalMs: 25,
    giveUp: () => (ended ? 'the build ended first' : undefined),
    detail: () => ended?.stderr ?? '',
  });
}

const file = (dir: string, name: string) => readFile(path.join(dir, name));

describe('index --audio-root', () => {
  const clean = () => path.join(base, 'clean');
  const resumed = () => path.join(base, 'resumed');

  it('builds a two-stage index; unusable or unsafe files are reported, masked, and never stop the build', async () => {
    const res = await runCli(indexArgs(clean()), env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/Wrote .*clean: 48 tracks, Flat, two-stage/);
    const failed = fixture.expectedFailures.size;
    expect(res.stderr).toContain(`audio: ${TRACKS - failed} of ${TRACKS} tracks embedded.`);
    expect(res.stderr).toMatch(/audio: 8 tracks have no audio embedding \(unsafe-path 3, empty 1, missing 1, no-path 1, silent 1, unreadable 1\)/);

    const manifest = manifestSchema.parse(JSON.parse((await file(clean(), INDEX_FILES.manifest)).toString()));
    expect(manifest.embeddings.audio).toMatchObject({ rows: TRACKS, dim: 512, embedded: TRACKS - failed, failed });
    expect(manifest.embeddings.audio!.policy).toMatchObject({ name: 'center-3x10s', clapModel: GENERATED_CLAP_ID, dtype: 'q8' });
    expect(manifest.models.clap).toMatchObject({ id: GENERATED_CLAP_ID, dim: 512 });
    expect(path.resolve(clean(), manifest.audioRoot!)).toBe(fixture.root);

    const report = parse((await file(clean(), INDEX_FILES.audioReport)).toString(), { columns: true }) as Record<string, string>[];
    expect(Object.fromEntries(report.map((r) => [r.track_id, r.reason]))).toEqual(Object.fromEntries(fixture.expectedFailures));
    const byReason = (reason: string) => report.filter((r) => r.reason === reason);
    expect(byReason('unsafe-path').map((r) => r.message).join('\n')).toMatch(/contains "\.\."[^]*is absolute[^]*symlink to a file outside the audio root/);
    expect(byReason('unreadable')[0]!.path).toBe('bad/corrupt.mp3');

    // Mask 0 and a zero row for exactly the failed tracks.
    const mask = decodeNpy(await file(clean(), INDEX_FILES.audioMask)).data;
    const rows = decodeNpy(await file(clean(), INDEX_FILES.audioEmbeddings)).data;
    fixture.tracks.forEach((t, i) => {
      const failedTrack = fixture.expectedFailures.has(t.id);
      expect(mask[i], t.id).toBe(failedTrack ? 0 : 1);
      expect(rows.subarray(i * 512, (i + 1) * 512).some((v) => v !== 0), t.id).toBe(!failedTrack);
    });
    expect(existsSync(`${clean()}.partial`)).toBe(false);
  }, 120_000);

  it('stops on Ctrl-C after saving, resumes after kill -9, and ends with the same index as a build never stopped', async () => {
    const out = resumed();
    const cp = `${out}.partial`;

    // 1. Ctrl-C (SIGINT to the process group): finishes the current track, saves, exits 130.
    const first = start(indexArgs(out));
    await waitForChunks(cp, 0, first);
    process.kill(-first.child.pid!, 'SIGINT');
    const stopped = await first.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/Stopped: \d+ of 48 tracks have their audio embedded; progress is saved in .*resumed\.partial\. Run the same command again to resume\./);
    expect(existsSync(path.join(out, INDEX_FILES.manifest))).toBe(false);
    const afterSigint = (await chunks(cp)).length;

    // 2. kill -9 mid-way: whatever chunks were saved stay.
    const second = start(indexArgs(out));
    await waitForChunks(cp, afterSigint, second);
    process.kill(-second.child.pid!, 'SIGKILL');
    expect((await second.done).signal).toBe('SIGKILL');

    // 3. The same command again: resumes and completes.
    const third = await runCli(indexArgs(out), env);
    expect(third.code, third.stderr).toBe(0);
    const resumedCount = Number(/resuming: (\d+) of 48 tracks already embedded/.exec(third.stderr)?.[1]);
    expect(resumedCount).toBeGreaterThanOrEqual(32);
    expect(resumedCount).toBeLessThan(48);
    expect(existsSync(cp)).toBe(false);

    for (const name of [INDEX_FILES.audioEmbeddings, INDEX_FILES.audioMask, INDEX_FILES.textEmbeddings, INDEX_FILES.audioReport, INDEX_FILES.tracks]) {
      expect((await file(out, name)).equals(await file(clean(), name)), name).toBe(true);
    }
  }, 180_000);

  it('starts fresh, saying so, when the checkpoint was made with another model', async () => {
    const out = path.join(base, 'switch');
    const first = start(indexArgs(out));
    await waitForChunks(`${out}.partial`, 0, first);
    process.kill(-first.child.pid!, 'SIGKILL');
    await first.done;
    const res = await runCli(indexArgs(out), { ...env, MODEL_DTYPE: 'fp32' });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/was made for another build \(different [^)]*dtype[^)]*\); starting fresh/);
    expect(res.stderr).not.toMatch(/resuming/);
  }, 120_000);

  it('recommend --json on the built index is two-stage, with an audio score for every track that has audio', async () => {
    const res = await runCli(['recommend', 'calm piano by the sea', '--index', clean(), '--json', '--k', String(TRACKS)], env);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { mode: string; results: { trackId: string; audioScore: number | null }[] };
    expect(out.mode).toBe('two-stage');
    expect(out.results).toHaveLength(TRACKS);
    const withAudio = out.results.filter((r) => !fixture.expectedFailures.has(r.trackId));
    for (const r of withAudio) expect(typeof r.audioScore, r.trackId).toBe('number');
    // Tracks without audio rank after every track with audio, with no audio score.
    for (const r of out.results.slice(withAudio.length)) {
      expect(fixture.expectedFailures.has(r.trackId)).toBe(true);
      expect(r.audioScore).toBeNull();
    }
  }, 60_000);

  it('decodes and makes --previews with the ffmpeg and ffprobe that FFMPEG_PATH and FFPROBE_PATH name', async () => {
    const tracks = fixture.tracks.slice(0, 3);
    const small = path.join(base, 'small.csv');
    await writeCatalog(small, tracks);
    const ffmpeg = await recordingTool(base, 'ffmpeg');
    const ffprobe = await recordingTool(base, 'ffprobe');
    const res = await runCli(
      ['index', '--catalog', small, '--audio-root', fixture.root, '--out', path.join(base, 'tools'), '--sbert-model', GENERATED_SBERT_ID, '--clap-model', GENERATED_CLAP_ID, '--previews'],
      { ...env, FFMPEG_PATH: ffmpeg.path, FFPROBE_PATH: ffprobe.path, PREVIEW_CACHE_DIR: path.join(base, 'previews') },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('audio: 3 of 3 tracks embedded.');
    const [decoded, probed] = [await ffmpeg.calls(), await ffprobe.calls()];
    for (const t of tracks) {
      expect(decoded.some((args) => args.includes(t.path!)), t.path).toBe(true);
      expect(probed.some((args) => args.includes(t.path!)), t.path).toBe(true);
    }
  }, 120_000);

  it('refuses --previews or --clap-model without --audio-root, and a missing audio root', async () => {
    const a = await runCli(['index', '--catalog', catalogFile, '--previews'], env);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--previews needs --audio-root/);
    const b = await runCli(['index', '--catalog', catalogFile, '--audio-root', path.join(base, 'nope'), '--out', path.join(base, 'x')], env);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/Audio root not found or not a folder: .*nope/);
  }, 60_000);
});
