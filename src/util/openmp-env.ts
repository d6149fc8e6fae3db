/**
 * Imported first by every entry point, before faiss-node loads: libgomp reads OMP_WAIT_POLICY
 * once, when faiss's library is loaded. faiss's OpenMP threads otherwise spin after each parallel
 * region, taking the cores ONNX Runtime and the main thread need; measured on a busy 2-core
 * machine, an IVF256,PQ48 build took 79 s spinning and 16 s with PASSIVE. A value set by the
 * user is kept.
 */
process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
