import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';
import type { ServingBench, ServingBenchOptions } from './serving-bench.ts';

const CHILD = fileURLToPath(new URL('./serving-child.ts', import.meta.url));

/**
 * Runs the serving benchmark in a fresh Node process: its peak memory is then that of a serving
 * bot alone (not of the index build or the faiss scaling runs in this one), and its cold start
 * begins with nothing loaded.
 */
export function runServingBench(o: ServingBenchOptions): Promise<ServingBench> {
  return new Promise((resolve, reject) => {
    // tsx by its resolved location: the child works from any current directory.
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), CHILD, JSON.stringify(o)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1);
      if (code === 0 && last) {
        resolve(JSON.parse(last) as ServingBench);
        return;
      }
      const why = stderr.trim().split('\n').slice(0, 3).join(' ') || `exit code ${code}`;
      reject(new UserError(`The serving benchmark process failed: ${why}`, 'Run it again with the same options; the lines above say what it was doing.'));
    });
  });
}
