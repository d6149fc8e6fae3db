import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Native addons (onnxruntime, faiss) and worker threads: forks isolate them per file.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: heavy model/ONNX files would starve each other when run wider.
    maxWorkers: 2,
  },
});
