import { stat } from 'node:fs/promises';
import { AudioError } from './audio-error.ts';
import { ffprobeBinary, runTool, toolReason, type FfmpegTools } from './ffmpeg-process.ts';

export interface AudioProbe {
  /** Seconds, from the container (else the audio stream); NaN when neither knows. */
  durationSec: number;
  /** ffmpeg codec name: `mp3`, `vorbis`, `flac`, `aac`, `pcm_s16le`, … */
  codec: string;
  channels: number;
  sampleRate: number;
  /** Container name(s) as ffprobe reports them, e.g. `ogg`, `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  /** Bits per second when known. */
  bitRate?: number;
  bytes: number;
}

export interface ProbeOptions extends FfmpegTools {
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface FfprobeJson {
  streams?: { codec_name?: string; channels?: number; sample_rate?: string; duration?: string; bit_rate?: string }[];
  format?: { duration?: string; format_name?: string; bit_rate?: string };
}

/** Reads duration, codec, channels and rate of the first audio stream with ffprobe. */
export async function probeAudio(file: string, opts: ProbeOptions = {}): Promise<AudioProbe> {
  let bytes: number;
  try {
    bytes = (await stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AudioError('missing', file, `Audio file not found: ${file}.`, 'Check the audio root and the track path.');
    }
    throw err;
  }
  const args = ['-v', 'error', '-select_streams', 'a:0', '-show_entries',
    'stream=codec_name,channels,sample_rate,duration,bit_rate:format=duration,format_name,bit_rate',
    '-of', 'json', file];
  const res = await runTool(ffprobeBinary(opts), args, {
    file,
    timeoutMs: opts.timeoutMs ?? 30_000,
    launcher: opts.launcher,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (res.code !== 0) {
    throw new AudioError('unreadable', file, `Cannot read ${file}: ${toolReason(res.stderr, file)}.`,
      'Check that it is a complete audio file (mp3, ogg, wav, flac, m4a).');
  }
  const json = JSON.parse(res.stdout.toString('utf8')) as FfprobeJson;
  const stream = json.streams?.[0];
  if (!stream) {
    throw new AudioError('unreadable', file, `Cannot read ${file}: it has no audio stream.`,
      'Point the track path at an audio file.');
  }
  const duration = num(json.format?.duration) ?? num(stream.duration) ?? Number.NaN;
  const bitRate = num(stream.bit_rate) ?? num(json.format?.bit_rate);
  return {
    durationSec: duration,
    codec: stream.codec_name ?? 'unknown',
    channels: stream.channels ?? 0,
    sampleRate: num(stream.sample_rate) ?? 0,
    formatName: json.format?.format_name ?? 'unknown',
    ...(bitRate !== undefined ? { bitRate } : {}),
    bytes,
  };
}

function num(s: string | undefined): number | undefined {
  if (s === undefined || s === 'N/A') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}
