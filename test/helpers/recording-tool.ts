import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface RecordingTool {
  /** The script to name in FFMPEG_PATH / FFPROBE_PATH. */
  path: string;
  /** One line of arguments per run so far. */
  calls(): Promise<string[]>;
}

/**
 * A stand-in ffmpeg or ffprobe in `dir` that notes each run's arguments, then runs the real one
 * from PATH: shows which binary the code under test was told to run, with real results.
 */
export async function recordingTool(dir: string, name: 'ffmpeg' | 'ffprobe'): Promise<RecordingTool> {
  const script = path.join(dir, `recording-${name}`);
  const log = `${script}.calls`;
  await writeFile(log, '');
  await writeFile(script, `#!/bin/sh\necho "$*" >> '${log}'\nexec ${name} "$@"\n`);
  await chmod(script, 0o755);
  return { path: script, calls: async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean) };
}
