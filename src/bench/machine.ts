import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  /** SIMD features that decide int8 and float matmul speed (from /proc/cpuinfo, Linux only). */
  simd: string[];
  memoryGb: number;
  node: string;
  onnxruntime: string;
  platform: string;
}

const SIMD = ['avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni', 'amx_int8'];

function cpuFlags(): string[] {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    const flags = new Set(line?.split(':')[1]?.trim().split(/\s+/) ?? []);
    return SIMD.filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

/** What the figures were measured on. */
export function describeMachine(): Machine {
  const require = createRequire(import.meta.url);
  const ort = (require('onnxruntime-node/package.json') as { version: string }).version;
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    simd: cpuFlags(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    onnxruntime: ort,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

/** The machine in one line, for results files. */
export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores (${m.simd.join(', ') || 'no SIMD flags read'}), ${m.memoryGb} GiB, ${m.platform}, Node ${m.node}, onnxruntime-node ${m.onnxruntime}`;
}
