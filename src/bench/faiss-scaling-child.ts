/**
 * Entry of one faiss scaling step's process (started by faiss-scaling.ts): reads the step from
 * stdin as JSON, prints its outcome as one JSON line. Its faiss memory ends with it.
 */
import '../util/openmp-env.ts'; // first: before faiss-node loads
import { runFaissStep, type FaissStep } from './faiss-scaling-steps.ts';
import { readJsonInput, writeJsonOutput } from './json-child.ts';

const step = await readJsonInput<FaissStep>();
await writeJsonOutput(async () => runFaissStep(step));
