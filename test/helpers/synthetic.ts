// The generator lives in src (the FAISS scaling bench uses it too); tests import it from here.
export { clusteredVectors, gaussian, rng } from '../../src/bench/synthetic-vectors.ts';
