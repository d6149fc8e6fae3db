/**
 * Entry of the serving benchmark's own process (started by run-serving-bench.ts): reads its
 * options from stdin as JSON, prints the figures as one JSON line on stdout.
 */
import '../util/openmp-env.ts'; // first: before faiss-node loads
import dotenv from 'dotenv';
import { loadConfig } from '../config.ts';
import { readJsonInput, writeJsonOutput } from './json-child.ts';
import { benchServing, type ServingBenchOptions } from './serving-bench.ts';

dotenv.config({ quiet: true });
const options = await readJsonInput<ServingBenchOptions>();
await writeJsonOutput(() => benchServing(loadConfig(), options));
