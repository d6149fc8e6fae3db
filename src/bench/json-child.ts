import { spawn } from 'node:child_process';
import { UserError } from '../errors.ts';

/**
 * Runs a TypeScript entry in a fresh Node process: `input` goes to its stdin as JSON, its last
 * stdout line is parsed as the answer (see readJsonInput / writeJsonOutput). A bench step runs
 * this way when its memory must go back to the operating system when it ends, or be its own.
 */
export function runJsonChild<T>(entry: string, input: unknown, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    // tsx by its resolved location: the child works from any current directory.
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), entry], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').at(-1);
      if (code === 0 && last) {
        resolve(JSON.parse(last) as T);
        return;
      }
      const why =
        failureOf(last) ??
        (stderr.trim().split('\n').slice(0, 3).join(' ') ||
          (signal === 'SIGKILL' ? 'killed by SIGKILL (out of memory?)' : signal ? `killed by ${signal}` : `exit code ${code}`));
      reject(new UserError(`${what} failed: ${why}`, 'Run it again with the same options; the lines above say what it was doing.'));
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/** The message of a `{"error": …}` line written by writeJsonOutput, if that is what `line` is. */
function failureOf(line: string | undefined): string | null {
  if (!line?.startsWith('{"error":')) return null;
  return (JSON.parse(line) as { error: string }).error;
}

/** The child's side: its input, read whole from stdin. */
export async function readJsonInput<T>(): Promise<T> {
  let text = '';
  for await (const chunk of process.stdin) text += (chunk as Buffer).toString();
  return JSON.parse(text) as T;
}

/**
 * The child's side: the answer as one JSON line. An error is a `{"error": message}` line (what
 * the parent reports), its stack on stderr, and exit code 1.
 */
export async function writeJsonOutput(run: () => Promise<unknown>): Promise<void> {
  try {
    process.stdout.write(`${JSON.stringify(await run())}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
