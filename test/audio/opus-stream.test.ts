/** The voice player's ffmpeg stage: real ffmpeg with libopus, real files, the stream read back. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { demuxProbe, StreamType } from '@discordjs/voice';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../../src/audio/decode.ts';
import { opusArgs, opusFailure, opusFailureReason, startOpusStream } from '../../src/audio/opus-stream.ts';
import { mp3, writeTone } from '../helpers/audio-files.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { dominantFrequency } from './fixtures.ts';

const dir = await fileTempDir('opus-stream');
let tone: string;
let long: string;
let corrupt: string;
let empty: string;

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  tone = await writeTone(path.join(dir, 'tone.mp3'), { seconds: 2, freq: 660, codecArgs: mp3(128) });
  long = await writeTone(path.join(dir, 'long.wav'), { seconds: 120, freq: 220 });
  corrupt = path.join(dir, 'corrupt.mp3');
  await writeFile(corrupt, 'this is not audio at all, just text in a file named .mp3\n'.repeat(50));
  empty = path.join(dir, 'empty.mp3');
  await writeFile(empty, '');
});

describe('startOpusStream', () => {
  it('turns a file into 48 kHz stereo Ogg Opus that @discordjs/voice accepts as is, with the same pitch and length', async () => {
    const s = startOpusStream(tone);
    expect(await s.started).toBe(true);
    const ogg = await readAll(s.stdout);
    const end = await s.ended;
    expect(end).toMatchObject({ code: 0, killed: false, bytes: ogg.length });
    expect(ogg.subarray(0, 4).toString()).toBe('OggS');
    expect(ogg.includes(Buffer.from('OpusHead'))).toBe(true);
    // The library's own probe: Ogg Opus it can play without transcoding.
    const probed = await demuxProbe(Readable.from([ogg], { objectMode: false }));
    expect(probed.type).toBe(StreamType.OggOpus);
    const file = path.join(dir, 'back.ogg');
    await writeFile(file, ogg);
    const back = await decodeAudio(file);
    expect(back.durationSec).toBeGreaterThan(1.9);
    expect(back.durationSec).toBeLessThan(2.2);
    expect(dominantFrequency(back.samples, back.sampleRate)).toBe(660);
  });

  it('runs ffmpeg with libopus at 96 kbps in 20 ms frames', () => {
    const args = opusArgs('/x/a.mp3');
    expect(args.join(' ')).toContain('-i /x/a.mp3');
    expect(args.join(' ')).toContain('-ac 2 -ar 48000 -c:a libopus -b:a 96k -frame_duration 20');
    expect(args.slice(-3)).toEqual(['-f', 'ogg', 'pipe:1']);
    expect(opusArgs('/x/a.mp3', 64)).toContain('64k');
  });

  it('reports a file ffmpeg cannot decode before any audio, with its reason and without the path', async () => {
    for (const file of [corrupt, empty]) {
      const s = startOpusStream(file);
      expect(await s.started).toBe(false);
      const end = await s.ended;
      expect(end.code).not.toBe(0);
      expect(end.bytes).toBe(0);
      const reason = opusFailureReason(end, file);
      expect(reason).not.toContain(dir);
      expect(reason.length).toBeGreaterThan(5);
      expect(opusFailure(end, file).code).toBe('unreadable');
    }
  });

  it('stops ffmpeg on kill (a skip), which is not a failure', async () => {
    const s = startOpusStream(long);
    expect(await s.started).toBe(true);
    // Nobody reads: ffmpeg blocks on the full pipe, as it would behind a paused player.
    s.kill();
    s.kill();
    const end = await s.ended;
    expect(end.killed).toBe(true);
    expect(end.code).toBeNull();
    // Far less than the whole two minutes was encoded.
    expect(end.bytes).toBeLessThan(96_000 / 8 * 60);
  });

  it('says ffmpeg is missing when FFMPEG_PATH points nowhere', async () => {
    const s = startOpusStream(tone, { ffmpegPath: path.join(dir, 'no-such-ffmpeg') });
    expect(await s.started).toBe(false);
    const end = await s.ended;
    expect(end.code).toBeNull();
    expect(opusFailure(end, tone)).toMatchObject({ code: 'tool-missing', hint: 'Install ffmpeg (with libopus) or set FFMPEG_PATH.' });
  });
});
