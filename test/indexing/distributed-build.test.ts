import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCatalog } from '../../src/catalog/catalog-file.ts';
import { GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../../src/models/generated-ids.ts';
import { INDEX_FILES } from '../../src/retrieval/artifacts/manifest.ts';
import { RedisServer } from '../bot/helpers/redis.ts';
import { ensureGeneratedModels } from '../helpers/models.ts';
import { MODELS_DIR, REPO_ROOT } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { type AudioCatalogFixture, writeAudioCatalog } from './audio-fixtures.ts';

/**
 * The distributed audio build as people run it: a real redis-server, `index-worker` processes and
 * the assembler (`index --queue`), all `tsx src/main/cli.ts` children. Its index must equal, byte
 * for byte, the one a single-process `index` writes; a worker killed mid-chunk loses nothing; a
 * chunk that always fails is reported; a worker with other models refuses.
 */

const TRACKS = 24;
const base = await fileTempDir('dist-build');
let fixture: AudioCatalogFixture;
let catalogFile: string;
let redis: RedisServer;
const single = () => path.join(base, 'single');

// Fixed threads: the reference and the workers must run the same arithmetic.
const env = { MODELS_DIR, MODEL_DTYPE: 'q8', ORT_THREADS: '1', LOG_LEVEL: 'info', LOG_FORMAT: 'json' };
const indexArgs = (out: string) => [
  'index', '--catalog', catalogFile, '--audio-root', fixture.root, '--out', out,
  '--sbert-model', GENERATED_SBERT_ID, '--clap-model', GENERATED_CLAP_ID, '--quiet',
];

/** A `tsx src/main/cli.ts …` child run by Node itself, so its pid is the program's (kill -9 kills it). */
class Cli {
  out = '';
  err = '';
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly child: ChildProcess;
  constructor(args: string[], extraEnv: Record<string, string> = {}) {
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/main/cli.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.out += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.err += d.toString()));
    this.done = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }
  logs(): { msg: string; [k: string]: unknown }[] {
    return this.out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string });
  }
  async waitForLog(match: (l: { msg: string; [k: string]: unknown }) => boolean, what: string) {
    return waitFor(() => this.logs().find(match), {
      what,
      intervalMs: 20,
      giveUp: () => (this.child.exitCode !== null ? `the process exited (${this.child.exitCode})` : undefined),
      detail: () => `${this.out.slice(-3000)}\n${this.err.slice(-3000)}`,
    });
  }
  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.done;
  }
}

const running: Cli[] = [];
const cli = (args: string[], extraEnv: Record<string, string> = {}) => {
  const c = new Cli(args, extraEnv);
  running.push(c);
  return c;
};
// A short lock so the killed worker's chunk is handed on within seconds, with margin for a busy CI machine.
const worker = (extra: string[] = [], extraEnv: Record<string, string> = {}) => cli(['index-worker', '--queue', redis.url, '--lock-seconds', '8', ...extra], extraEnv);

beforeAll(async () => {
  await ensureGeneratedModels();
  fixture = await writeAudioCatalog(base, TRACKS);
  catalogFile = path.join(base, 'catalog.csv');
  await writeCatalog(catalogFile, fixture.tracks);
  redis = await RedisServer.start();
  const res = await runCli(indexArgs(single()), env);
  expect(res.code, res.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  for (const c of running) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(running.map((c) => c.done));
  await redis?.stop();
});

/** Every file of the two folders byte for byte; the manifests apart from the build time and the content version derived from it. */
async function expectSameIndex(dir: string): Promise<void> {
  const names = (await readdir(single())).sort();
  expect((await readdir(dir)).sort()).toEqual(names);
  expect(names).toEqual(expect.arrayContaining([INDEX_FILES.audioEmbeddings, INDEX_FILES.audioMask, INDEX_FILES.audioReport, INDEX_FILES.audioIndex]));
  for (const name of names.filter((n) => n !== INDEX_FILES.manifest)) {
    expect((await readFile(path.join(dir, name))).equals(await readFile(path.join(single(), name))), name).toBe(true);
  }
  const manifest = async (d: string) => {
    const { createdAt, version, ...rest } = JSON.parse(await readFile(path.join(d, INDEX_FILES.manifest), 'utf8')) as Record<string, unknown>;
    expect(typeof createdAt).toBe('string');
    expect(typeof version).toBe('string');
    return { ...rest, name: 'same' };
  };
  expect(await manifest(dir)).toEqual(await manifest(single()));
}

describe('index --queue with index-worker processes', () => {
  it('completes with one of two workers killed mid-chunk, and writes the single-process index byte for byte', async () => {
    const out = path.join(base, 'distributed');
    const a = worker();
    const b = worker();
    const assembler = cli([...indexArgs(out), '--queue', redis.url, '--chunk-size', '4']);
    // A has a chunk in hand (it loads its models inside the first chunk, so it is mid-way): kill -9.
    const taken = await a.waitForLog((l) => l.msg === 'chunk taken', 'worker A taking a chunk');
    a.child.kill('SIGKILL');
    expect((await a.done).signal).toBe('SIGKILL');

    const res = await assembler.done;
    expect(res.code, assembler.err).toBe(0);
    expect(assembler.err).toMatch(/audio: build [0-9a-f]{16} on cratedigger-audio at redis:\/\/127\.0\.0\.1:\d+: 6 chunks of up to 4 tracks — 6 queued/);
    expect(assembler.err).toContain(`audio: ${TRACKS - fixture.expectedFailures.size} of ${TRACKS} tracks embedded by the workers`);
    expect(assembler.out).toMatch(/Wrote .*distributed: 24 tracks, Flat, two-stage/);
    // The chunk A held was handed to B once A's lock ran out, and B finished it.
    await b.waitForLog((l) => l.msg === 'chunk done' && l.jobId === taken.jobId, 'B finishing the chunk A held');
    expect(b.logs().some((l) => /stalled/.test(l.msg) && l.jobId === taken.jobId), b.out).toBe(true);
    await expectSameIndex(out);
    expect(await b.stop()).toEqual({ code: 0, signal: null });
  }, 300_000);

  it('reports a chunk that fails on every attempt, writes nothing, and a rerun retries only that chunk', async () => {
    const out = path.join(base, 'failing');
    const poison = fixture.tracks[8]!.id; // chunk 1 of 4 (6 tracks each)
    const w = worker(['--fail-tracks', poison]);
    const first = cli([...indexArgs(out), '--queue', redis.url, '--chunk-size', '6', '--attempts', '2']);
    const res = await first.done;
    expect(res.code, first.err).toBe(2);
    expect(first.err).toMatch(/1 of 4 audio chunks failed on every attempt; no index was written\./);
    expect(first.err).toMatch(new RegExp(`chunk 1 \\(rows 6–11: [^)]*\\) after 2 attempts: --fail-tracks: chunk 1 holds track ${poison}`));
    expect(first.err).toMatch(/only the failed ones are retried/);
    expect(existsSync(out)).toBe(false);
    expect((await readdir(base)).filter((n) => n.startsWith('failing'))).toEqual([]);
    expect(w.logs().filter((l) => l.msg === 'chunk failed')).toHaveLength(2);
    await w.stop();

    // Fixed: a worker without the fault; the three chunks done are reused from Redis.
    const good = worker();
    const again = cli([...indexArgs(out), '--queue', redis.url, '--chunk-size', '6', '--attempts', '2']);
    const res2 = await again.done;
    expect(res2.code, again.err).toBe(0);
    expect(again.err).toMatch(/4 chunks of up to 6 tracks — 0 queued, 3 already done, 0 already waiting or running, 1 failed before and retried/);
    expect(good.logs().filter((l) => l.msg === 'chunk done').map((l) => l.chunk)).toEqual([1]);
    await expectSameIndex(out);
    await good.stop();
  }, 300_000);

  it('a worker whose models differ, or without the audio, refuses the chunk, says why and stops; a right worker then finishes the build', async () => {
    // Same model id, other files: this machine's cratedigger/tiny-clap is another model.
    const otherModels = path.join(base, 'other-models');
    await mkdir(path.join(otherModels, 'cratedigger'), { recursive: true });
    await symlink(path.join(MODELS_DIR, 'cratedigger', 'full-clap'), path.join(otherModels, GENERATED_CLAP_ID));
    await symlink(path.join(MODELS_DIR, GENERATED_SBERT_ID), path.join(otherModels, GENERATED_SBERT_ID));
    const out = path.join(base, 'refused');
    const wrong = worker([], { MODELS_DIR: otherModels });
    const assembler = cli([...indexArgs(out), '--queue', redis.url, '--chunk-size', '12']);
    const { code } = await wrong.done;
    expect(code, wrong.err).toBe(2);
    expect(wrong.err).toMatch(
      new RegExp(`index-worker: refused chunk \\d of build [0-9a-f]{16}: this worker \\(.*\\) its cratedigger/tiny-clap \\(q8\\) in .*other-models is not the assembler's: model files .* the build's .*MODELS_DIR`),
    );
    expect(wrong.logs().filter((l) => l.msg === 'chunk taken')).toHaveLength(1);

    // A machine without the audio would record every track as missing: it refuses too.
    const blind = worker(['--audio-root', path.join(base, 'nowhere')]);
    expect((await blind.done).code, blind.err).toBe(2);
    expect(blind.err).toMatch(/index-worker: refused chunk \d of build [0-9a-f]{16}: this worker \(.*\) has no audio folder at .*nowhere\. Mount the audio there, or pass --audio-root/);
    expect(assembler.child.exitCode).toBeNull();

    const right = worker();
    const res = await assembler.done;
    expect(res.code, assembler.err).toBe(0);
    await expectSameIndex(out);
    await right.stop();
  }, 300_000);
});
