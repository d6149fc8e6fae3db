import { fileURLToPath } from 'node:url';
import { runJsonChild } from './json-child.ts';
import type { ServingBench, ServingBenchOptions } from './serving-bench.ts';

const CHILD = fileURLToPath(new URL('./serving-child.ts', import.meta.url));

/**
 * Runs the serving benchmark in a fresh Node process: its peak memory is then that of a serving
 * bot alone (not of the index build or the faiss scaling runs in this one), and its cold start
 * begins with nothing loaded.
 */
export function runServingBench(o: ServingBenchOptions): Promise<ServingBench> {
  return runJsonChild<ServingBench>(CHILD, o, 'The serving benchmark process');
}
