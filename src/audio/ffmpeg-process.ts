import { directLauncher, type ProcessLauncher } from '../util/process-launcher.ts';
import { AudioError } from './audio-error.ts';

/**
 * Which ffmpeg/ffprobe to run, from the caller (the applications pass FFMPEG_PATH/FFPROBE_PATH
 * from the config); unset, the ones on PATH.
 */
export interface FfmpegTools {
  ffmpegPath?: string;
  ffprobePath?: string;
  /**
   * How they are started: the bot passes its worker-thread launcher (a fork holds the calling
   * thread for 15–50 ms); unset, they are spawned in this thread.
   */
  launcher?: ProcessLauncher | undefined;
}

export function ffmpegBinary(tools: FfmpegTools = {}): string {
  return tools.ffmpegPath || 'ffmpeg';
}

export function ffprobeBinary(tools: FfmpegTools = {}): string {
  return tools.ffprobePath || 'ffprobe';
}

export interface RunOptions {
  /** Bytes written to the child's stdin, then closed. Without it stdin is closed at once. */
  stdin?: Uint8Array;
  /** Each stdout chunk as it arrives (decoding streams; nothing is buffered here then). */
  onStdout?: (chunk: Buffer) => void;
  /** Kill the child (SIGKILL) after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The file the job is about, for error messages. */
  file: string;
  /**
   * Run the child in its own process group, so a Ctrl-C in the terminal reaches only us: an
   * index build that stops cleanly on SIGINT must not see its decoders die and call the files
   * unreadable. Only for jobs that write to our pipe (they end on EPIPE if we die).
   */
  ownProcessGroup?: boolean;
  /** Where the child is started (FfmpegTools.launcher); default: this thread. */
  launcher?: ProcessLauncher | undefined;
}

export interface RunResult {
  code: number | null;
  /** stdout, when no `onStdout` was given. */
  stdout: Buffer;
  /** The tail of stderr (ffmpeg's messages; run with `-v error` so it is only the reasons). */
  stderr: string;
}

/** Keep only the end of stderr: a corrupt file can make ffmpeg print one line per frame. */
const STDERR_KEEP = 16 * 1024;

/**
 * Runs ffmpeg or ffprobe with arguments (no shell), enforcing a timeout and an abort signal.
 * Resolves with the exit code even when it is non-zero: the caller knows what a failure means.
 */
export function runTool(binary: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(opts.signal.reason);
      return;
    }
    const child = (opts.launcher ?? directLauncher).launch(binary, args, {
      detached: opts.ownProcessGroup ?? false,
      ...(opts.stdin ? { stdin: opts.stdin } : {}),
    });
    const out: Buffer[] = [];
    let err = '';
    let settled = false;
    let timedOut = false;

    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const onAbort = (): void => {
      child.kill('SIGKILL');
      finish(() => reject(opts.signal?.reason));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      if (opts.onStdout) opts.onStdout(chunk);
      else out.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      err += s;
      if (err.length > 2 * STDERR_KEEP) err = err.slice(-STDERR_KEEP);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish(() =>
        reject(
          e.code === 'ENOENT'
            ? new AudioError(
                'tool-missing',
                opts.file,
                `Cannot run ${binary}: it is not installed or not on PATH.`,
                'Install ffmpeg (apt-get install ffmpeg) or set FFMPEG_PATH / FFPROBE_PATH.',
              )
            : e,
        ),
      );
    });
    child.on('close', (code) => {
      finish(() => {
        if (timedOut) {
          reject(
            new AudioError(
              'timeout',
              opts.file,
              `${binary} took longer than ${Math.round(opts.timeoutMs / 1000)} s on ${opts.file} and was stopped.`,
              'The file may be huge or stalled on slow storage; raise the timeout or check the file.',
            ),
          );
        } else {
          resolve({ code, stdout: Buffer.concat(out), stderr: err.slice(-STDERR_KEEP) });
        }
      });
    });
  });
}

/**
 * ffmpeg's reason for a failure, as one line: its last message without the file path it starts
 * with (the caller's message names the file), preceded by the demuxer's/decoder's own detail when
 * the last line is generic, e.g. `Failed to read frame size: Could not seek to 2823 (Invalid argument)`.
 */
export function toolReason(stderr: string, file: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const last = lines.at(-1);
  if (!last) return 'no reason given';
  const prefix = `${file}: `;
  const reason = last.startsWith(prefix) ? last.slice(prefix.length) : last;
  const detail = lines
    .slice(0, -1)
    .reverse()
    .find((l) => /^\[[^\]]+ @ [^\]]+\] /.test(l))
    ?.replace(/^\[[^\]]+ @ [^\]]+\] /, '')
    .replace(/\.$/, '');
  return detail && !reason.includes(detail) ? `${detail} (${reason})` : reason;
}
