/** Starting ffmpeg/ffprobe from a worker thread: real processes, real pipes, both launchers alike. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../src/audio/decode.ts';
import { runTool } from '../../src/audio/ffmpeg-process.ts';
import { getPreview } from '../../src/audio/preview.ts';
import { startOpusStream } from '../../src/audio/opus-stream.ts';
import { directLauncher, workerLauncher, type LaunchedProcess } from '../../src/util/process-launcher.ts';
import { writeTone } from '../helpers/audio-files.ts';
import { bareTrack } from '../helpers/fixture-tracks.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { dominantFrequency } from '../audio/fixtures.ts';

const dir = await fileTempDir('launcher');
const launcher = workerLauncher({ niceness: 5 });
afterAll(() => launcher.close());

async function output(p: LaunchedProcess): Promise<{ stdout: Buffer; stderr: string; code: number | null; error?: NodeJS.ErrnoException }> {
  const chunks: Buffer[] = [];
  let stderr = '';
  let error: NodeJS.ErrnoException | undefined;
  p.stdout.on('data', (c: Buffer) => chunks.push(c));
  p.stderr.setEncoding('utf8');
  p.stderr.on('data', (s: string) => (stderr += s));
  p.on('error', (e) => (error = e));
  const code = await new Promise<number | null>((resolve) => p.on('close', (c) => resolve(c)));
  return { stdout: Buffer.concat(chunks), stderr, code, ...(error ? { error } : {}) };
}

describe.each([
  ['worker', launcher],
  ['direct', directLauncher],
])('%s launcher', (_name, l) => {
  it('passes stdin bytes in and stdout, stderr and the exit code out', async () => {
    const input = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
    const res = await output(l.launch('sh', ['-c', 'cat; echo oops >&2; exit 3'], { stdin: input }));
    expect(res.code).toBe(3);
    expect(res.stdout.equals(input)).toBe(true);
    expect(res.stderr).toBe('oops\n');
  });

  it('reports a program that does not exist as an ENOENT error, then a close', async () => {
    const res = await output(l.launch(path.join(dir, 'no-such-program'), []));
    expect(res.error?.code).toBe('ENOENT');
    expect(res.code).not.toBe(0);
  });

  it('kills a child', async () => {
    const p = l.launch('sleep', ['30']);
    expect(p.exited).toBe(false);
    const closed = new Promise<NodeJS.Signals | null>((resolve) => p.on('close', (_code, signal) => resolve(signal)));
    p.kill('SIGKILL');
    expect(await closed).toBe('SIGKILL');
    expect(p.exited).toBe(true);
  });
});

describe('worker launcher', () => {
  it('holds the child back while its output is not read (backpressure), and loses nothing', async () => {
    // ~8 MB on stdout, far more than the buffers between the child and the reader.
    const p = launcher.launch('sh', ['-c', 'head -c 8000000 /dev/zero; echo done >&2']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(p.exited).toBe(false);
    expect(p.stdout.readableLength).toBeLessThanOrEqual(256 * 1024);
    const res = await output(p);
    expect(res.code).toBe(0);
    expect(res.stdout.length).toBe(8_000_000);
    expect(res.stderr).toBe('done\n');
  });

  it('runs its children nicer than the bot', async () => {
    // Set right after the fork: what the child runs from then on inherits it.
    const res = await output(launcher.launch('sh', ['-c', 'sleep 0.2; nice']));
    expect(Number(res.stdout.toString().trim())).toBeGreaterThanOrEqual(5);
  });

  it('serves the audio code: decode, preview clips and the voice stream, through FfmpegTools.launcher', async () => {
    const tone = await writeTone(path.join(dir, 'a', 'tone.wav'), { seconds: 3, freq: 550 });
    const audio = await decodeAudio(tone, { launcher });
    expect(dominantFrequency(audio.samples, audio.sampleRate)).toBe(550);
    const clip = await getPreview(bareTrack('t1', { path: 'tone.wav' }), { audioRoot: path.join(dir, 'a'), cacheDir: path.join(dir, 'cache'), launcher });
    expect(clip.kind).toBe('clip');
    expect((await readFile((clip as { file: string }).file)).subarray(0, 3).toString()).toMatch(/ID3|\xff/);
    const voice = startOpusStream(tone, { launcher });
    expect(await voice.started).toBe(true);
    voice.stdout.resume();
    expect(await voice.ended).toMatchObject({ code: 0, killed: false });
    const res = await runTool('ffprobe', ['-v', 'error', '-show_entries', 'stream=sample_rate', '-of', 'csv=p=0', tone], { file: tone, timeoutMs: 30_000, launcher });
    expect(res.stdout.toString().trim()).toBe('44100');
  });

  it('kills its children when closed, and starts a new thread at the next launch', async () => {
    const own = workerLauncher();
    const p = own.launch('sleep', ['30']);
    const closed = new Promise<NodeJS.Signals | null>((resolve) => p.on('close', (_c, signal) => resolve(signal)));
    await own.close();
    await closed;
    expect(p.exited).toBe(true);
    const again = await output(own.launch('sh', ['-c', 'echo back']));
    expect(again.stdout.toString()).toBe('back\n');
    await own.close();
  });
});
