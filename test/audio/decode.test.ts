import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAudioError } from '../../src/audio/audio-error.ts';
import { decodeAudio, joinFloat32 } from '../../src/audio/decode.ts';
import { toolReason } from '../../src/audio/ffmpeg-process.ts';
import { probeAudio } from '../../src/audio/probe.ts';
import { writeSilence, writeTone } from '../helpers/audio-files.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { dominantFrequency } from './fixtures.ts';

const dir = await fileTempDir('decode');

/** mp3/aac decoders may add or drop up to one codec frame (1152 samples at 44.1 kHz ≈ 1254 at 48 kHz). */
const FRAME_AT_48K = 1300;

const FORMATS = [
  { ext: 'mp3', codecArgs: ['-c:a', 'libmp3lame', '-b:a', '128k'], codec: 'mp3' },
  { ext: 'ogg', codecArgs: ['-c:a', 'libvorbis'], codec: 'vorbis' },
  { ext: 'wav', codecArgs: [], codec: 'pcm_s16le' },
  { ext: 'flac', codecArgs: [], codec: 'flac' },
  { ext: 'm4a', codecArgs: ['-c:a', 'aac', '-b:a', '128k'], codec: 'aac' },
] as const;

describe('decodeAudio', () => {
  for (const fmt of FORMATS) {
    it(`decodes stereo 44.1 kHz ${fmt.ext} to 48 kHz mono with the source's pitch and length`, async () => {
      const file = await writeTone(path.join(dir, `tone.${fmt.ext}`), {
        freq: 660, seconds: 3, channels: 2, codecArgs: [...fmt.codecArgs],
      });
      const audio = await decodeAudio(file);
      expect(audio.sampleRate).toBe(48_000);
      expect(Math.abs(audio.samples.length - 3 * 48_000)).toBeLessThanOrEqual(FRAME_AT_48K);
      expect(audio.durationSec).toBeCloseTo(audio.samples.length / 48_000, 9);
      expect(dominantFrequency(audio.samples, 48_000)).toBe(660);
      // ffmpeg's sine is at 1/8 full scale; a lossy codec keeps the level within a few percent.
      expect(audio.peak).toBeGreaterThan(0.1);
      expect(audio.peak).toBeLessThan(0.16);

      const probe = await probeAudio(file);
      expect(probe.codec).toBe(fmt.codec);
      expect(probe.channels).toBe(2);
      expect(probe.sampleRate).toBe(44_100);
      expect(probe.durationSec).toBeGreaterThan(2.9);
      expect(probe.durationSec).toBeLessThan(3.1);
    });
  }

  it('honours startSec and maxSeconds', async () => {
    const file = await writeTone(path.join(dir, 'long.flac'), { freq: 440, seconds: 5 });
    const part = await decodeAudio(file, { startSec: 1, maxSeconds: 2 });
    expect(part.samples.length).toBe(2 * 48_000);
    const tail = await decodeAudio(file, { startSec: 4 });
    expect(Math.abs(tail.samples.length - 48_000)).toBeLessThanOrEqual(48);
    const low = await decodeAudio(file, { sampleRate: 16_000 });
    expect(low.samples.length).toBe(5 * 16_000);
    expect(dominantFrequency(low.samples, 16_000)).toBe(440);
    await expect(decodeAudio(file, { maxSeconds: 0 })).rejects.toThrow(/maxSeconds/);
    const past = await decodeAudio(file, { startSec: 9 }).catch((e: unknown) => e);
    expect(isAudioError(past, 'empty')).toBe(true);
  });

  it('fails with code "missing" for a file that does not exist', async () => {
    const err = await decodeAudio(path.join(dir, 'nope.mp3')).catch((e: unknown) => e);
    expect(isAudioError(err, 'missing')).toBe(true);
    expect((err as Error).message).toContain('nope.mp3');
  });

  it('fails with code "unreadable" and ffmpeg\'s one-line reason for a file that is not audio', async () => {
    const file = path.join(dir, 'text.mp3');
    await writeFile(file, 'this is not audio at all\n'.repeat(200));
    const err = await decodeAudio(file).catch((e: unknown) => e);
    expect(isAudioError(err, 'unreadable')).toBe(true);
    const message = (err as Error).message;
    expect(message).toMatch(/^Cannot decode .*text\.mp3: .+\.$/);
    expect(message).not.toContain('\n');
  });

  it('fails with code "unreadable" for a truncated (corrupt) file', async () => {
    const whole = await writeTone(path.join(dir, 'whole.m4a'), { seconds: 2, codecArgs: ['-c:a', 'aac'] });
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(whole);
    const cut = path.join(dir, 'cut.m4a');
    // Keep the start of the mp4 only: the index (moov) is missing, ffmpeg cannot make sense of it.
    await writeFile(cut, bytes.subarray(0, 200));
    const err = await decodeAudio(cut).catch((e: unknown) => e);
    expect(isAudioError(err, 'unreadable')).toBe(true);
  });

  it('fails with code "empty" for a zero-byte file and for a header with no samples', async () => {
    const zero = path.join(dir, 'zero.ogg');
    await writeFile(zero, '');
    expect(isAudioError(await decodeAudio(zero).catch((e: unknown) => e), 'empty')).toBe(true);

    const header = path.join(dir, 'header.wav');
    await writeFile(header, wavHeader(0));
    expect(isAudioError(await decodeAudio(header).catch((e: unknown) => e), 'empty')).toBe(true);
  });

  it('fails with code "silent" for digital silence, unless allowed', async () => {
    const file = await writeSilence(path.join(dir, 'silence.mp3'), 2);
    const err = await decodeAudio(file).catch((e: unknown) => e);
    expect(isAudioError(err, 'silent')).toBe(true);
    const ok = await decodeAudio(file, { allowSilent: true });
    expect(ok.peak).toBeLessThan(1e-4);
    expect(ok.samples.length).toBeGreaterThan(1.9 * 48_000);
  });

  it('kills ffmpeg and fails with code "timeout" when it takes too long', async () => {
    const file = await writeTone(path.join(dir, 'slow.wav'), { seconds: 2 });
    const err = await decodeAudio(file, { timeoutMs: 1 }).catch((e: unknown) => e);
    expect(isAudioError(err, 'timeout')).toBe(true);
  });

  it('fails with code "tool-missing" when ffmpeg is not where FFMPEG_PATH says', async () => {
    const file = await writeTone(path.join(dir, 'tool.wav'), { seconds: 1 });
    const err = await decodeAudio(file, { ffmpegPath: path.join(dir, 'no-ffmpeg') }).catch((e: unknown) => e);
    expect(isAudioError(err, 'tool-missing')).toBe(true);
    expect((err as Error & { hint?: string }).hint).toMatch(/FFMPEG_PATH/);
  });

  it('stops on abort', async () => {
    const file = await writeTone(path.join(dir, 'abort.wav'), { seconds: 2 });
    const ctrl = new AbortController();
    const pending = decodeAudio(file, { signal: ctrl.signal });
    ctrl.abort(new Error('stop now'));
    await expect(pending).rejects.toThrow('stop now');
  });
});

describe('toolReason', () => {
  it('keeps one line: the decoder\'s detail and the generic reason, without the file path', () => {
    const stderr = '[mp3 @ 0x55d0] Failed to read frame size: Could not seek to 2823.\n/a/b.mp3: Invalid argument\n';
    expect(toolReason(stderr, '/a/b.mp3')).toBe('Failed to read frame size: Could not seek to 2823 (Invalid argument)');
    expect(toolReason('/a/b.mp3: Invalid data found when processing input\n', '/a/b.mp3')).toBe('Invalid data found when processing input');
    expect(toolReason('', '/a/b.mp3')).toBe('no reason given');
  });
});

describe('joinFloat32', () => {
  it('joins float bytes split at arbitrary (unaligned) boundaries', () => {
    const src = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 0.5);
    const bytes = new Uint8Array(src.buffer);
    const chunks = [bytes.subarray(0, 3), bytes.subarray(3, 1001), bytes.subarray(1001, 2503), bytes.subarray(2503)];
    expect(joinFloat32(chunks, bytes.length)).toEqual(src);
  });
});

/** A canonical 16-bit mono 44.1 kHz WAV header announcing `dataBytes` of data. */
function wavHeader(dataBytes: number): Buffer {
  const b = Buffer.alloc(44);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(44_100, 24);
  b.writeUInt32LE(88_200, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(dataBytes, 40);
  return b;
}
