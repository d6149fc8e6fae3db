/**
 * Entry of the serving benchmark's own process (started by run-serving-bench.ts): reads its
 * options from argv as JSON, prints the figures as one JSON line on stdout.
 */
import '../util/openmp-env.ts'; // first: before faiss-node loads
import dotenv from 'dotenv';
import { loadConfig } from '../config.ts';
import { benchServing, type ServingBenchOptions } from './serving-bench.ts';

dotenv.config({ quiet: true });
const options = JSON.parse(process.argv[2] ?? '{}') as ServingBenchOptions;
try {
  const figures = await benchServing(loadConfig(), options);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
