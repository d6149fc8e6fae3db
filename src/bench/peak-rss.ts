import { readFileSync } from 'node:fs';

/**
 * Peak resident memory of this process in MiB. On Linux from /proc/self/status (VmHWM): getrusage's
 * maxRSS, which `process.resourceUsage()` returns, is carried over fork and exec, so a bench child
 * process reported at least its parent's size when it was started (measured: a child of an 846 MB
 * process read 805 MB from maxRSS, 42 MB from VmHWM).
 */
export function peakRssMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // Not Linux: fall back to getrusage below.
  }
  return process.resourceUsage().maxRSS / 1024;
}
