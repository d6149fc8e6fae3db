import { PassThrough, type Readable } from 'node:stream';
import { directLauncher } from '../util/process-launcher.ts';
import { AudioError } from './audio-error.ts';
import { ffmpegBinary, toolReason, type FfmpegTools } from './ffmpeg-process.ts';

/**
 * A file as a live Ogg Opus stream for a voice channel: ffmpeg decodes it and libopus encodes it
 * (48 kHz stereo, 20 ms frames — what Discord voice carries), so no Opus encoding runs in
 * JavaScript. ffmpeg writes as fast as the reader takes it; the voice player reads one frame per
 * 20 ms and the pipe's backpressure paces ffmpeg.
 */

export interface OpusStreamOptions extends FfmpegTools {
  /** Opus bitrate (default 96 kbps, Discord's default for a normal voice channel). */
  bitrateKbps?: number;
}

export interface OpusStreamEnd {
  /** ffmpeg's exit code (null when it was killed). */
  code: number | null;
  /** True when `kill()` ended it (skip, stop, leave): not a failure. */
  killed: boolean;
  /** Bytes of Ogg it wrote. */
  bytes: number;
  /** The tail of its stderr (run with `-v error`: only reasons). */
  stderr: string;
}

export interface OpusStream {
  /** Ogg Opus pages, for `createAudioResource(stdout, { inputType: StreamType.OggOpus })`. */
  stdout: Readable;
  /** Settles when ffmpeg has exited; never rejects (a missing ffmpeg is code null with its reason in stderr). */
  ended: Promise<OpusStreamEnd>;
  /**
   * Resolves with true once ffmpeg has written its first bytes, or false when it ended without
   * writing any (a file it cannot open or decode fails here, before anything is played).
   */
  started: Promise<boolean>;
  /** Stops ffmpeg now (SIGKILL): nothing more is read from the file. Idempotent. */
  kill(): void;
}

export const DEFAULT_VOICE_KBPS = 96;
const STDERR_KEEP = 8 * 1024;

/** ffmpeg's arguments: first audio stream, no metadata, 48 kHz stereo Opus in Ogg pages on stdout. */
export function opusArgs(file: string, bitrateKbps = DEFAULT_VOICE_KBPS): string[] {
  return [
    '-hide_banner', '-nostdin', '-v', 'error',
    '-i', file,
    '-map', '0:a:0', '-vn', '-sn', '-dn', '-map_metadata', '-1',
    '-ac', '2', '-ar', '48000',
    '-c:a', 'libopus', '-b:a', `${bitrateKbps}k`, '-frame_duration', '20', '-application', 'audio',
    // Small pages: the first audio reaches the player at once, not after a second of buffering.
    '-page_duration', '20000', '-f', 'ogg', 'pipe:1',
  ];
}

/** Starts ffmpeg on `file`. The caller reads `stdout` and calls `kill()` when it stops early. */
export function startOpusStream(file: string, opts: OpusStreamOptions = {}): OpusStream {
  const binary = ffmpegBinary(opts);
  const child = (opts.launcher ?? directLauncher).launch(binary, opusArgs(file, opts.bitrateKbps));
  // A PassThrough in between, so `started` can watch the bytes without taking them from the reader.
  const stdout = new PassThrough({ highWaterMark: 64 * 1024 });
  child.stdout.pipe(stdout);
  let bytes = 0;
  let stderr = '';
  let killed = false;
  let spawnError: NodeJS.ErrnoException | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderr += s;
    if (stderr.length > 2 * STDERR_KEEP) stderr = stderr.slice(-STDERR_KEEP);
  });
  // The reader may be destroyed first (skip): a write after that must not crash anything.
  stdout.on('error', () => {});
  child.stdout.on('error', () => {});
  child.on('error', (err: NodeJS.ErrnoException) => {
    spawnError = err;
  });
  const ended = new Promise<OpusStreamEnd>((resolve) => {
    child.on('close', (code) => {
      if (spawnError) {
        stderr = spawnError.code === 'ENOENT' ? `Cannot run ${binary}: it is not installed or not on PATH.` : String(spawnError.message);
      }
      if (!stdout.writableEnded) stdout.end();
      resolve({ code: spawnError ? null : code, killed, bytes, stderr: stderr.slice(-STDERR_KEEP) });
    });
  });
  const started = new Promise<boolean>((resolve) => {
    child.stdout.once('data', () => resolve(true));
    void ended.then((end) => resolve(end.bytes > 0));
  });
  return {
    stdout,
    ended,
    started,
    kill() {
      if (killed || child.exited) return;
      killed = true;
      child.kill('SIGKILL');
      stdout.destroy();
    },
  };
}

/** Why ffmpeg could not turn `file` into audio, in one line without the file's path. */
export function opusFailureReason(end: OpusStreamEnd, file: string): string {
  if (end.code === 0 && end.bytes === 0) return 'no audio in it';
  if (end.code === 0) return 'no audio frames decoded';
  return toolReason(end.stderr, file);
}

/** The failure as an AudioError, for logs that want a code (`tool-missing` when ffmpeg is not there). */
export function opusFailure(end: OpusStreamEnd, file: string): AudioError {
  const reason = opusFailureReason(end, file);
  const code = end.code === null && /not installed/.test(end.stderr) ? 'tool-missing' : 'unreadable';
  return new AudioError(code, file, `Cannot play ${file}: ${reason}.`, code === 'tool-missing' ? 'Install ffmpeg (with libopus) or set FFMPEG_PATH.' : undefined);
}
