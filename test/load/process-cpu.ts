/**
 * CPU time of a process, of its child processes and of the whole machine, read from Linux's /proc
 * (utime + stime in clock ticks), so a window's use can be split between the bot, its ffmpeg
 * children, this process and everything else.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux almost everywhere). */
const TICKS_PER_SEC = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime: this process, all its threads. */
  ticks: number;
  /** cutime + cstime: its children that have exited and been waited for. */
  reapedChildTicks: number;
}

/** /proc/<pid>/stat, or undefined when the process is gone. */
function procStat(pid: number | 'self'): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm may hold spaces and parentheses: it runs from the first "(" to the last ")".
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  return {
    pid: Number(text.slice(0, text.indexOf(' '))),
    comm: text.slice(text.indexOf('(') + 1, close),
    ppid: Number(rest[1]),
    ticks: Number(rest[11]) + Number(rest[12]),
    reapedChildTicks: Number(rest[13]) + Number(rest[14]),
  };
}

/** Every live process whose parent is `pid`. */
function childrenOf(pid: number): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (s && s.ppid === pid) out.push(s);
  }
  return out;
}

/** The machine's busy and total ticks over all cores (/proc/stat's first line; idle and iowait are not busy). */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - v[3]! - v[4]!, total };
}

export interface CpuSnapshot {
  /** performance.now() when it was read. */
  at: number;
  target: ProcStat;
  children: ProcStat[];
  self: ProcStat;
  machine: { busy: number; total: number };
}

/** Reads the CPU times of `pid`, its live children, this process and the machine, now. */
export function cpuSnapshot(pid: number): CpuSnapshot {
  const target = procStat(pid);
  if (!target) throw new Error(`process ${pid} is gone`);
  return { at: performance.now(), target, children: childrenOf(pid), self: procStat('self')!, machine: machineTicks() };
}

/** CPU over a window, each as % of one core (100 = one core busy the whole time). */
export interface CpuUse {
  /** The process itself: every thread (main, workers, libuv pool). */
  processPct: number;
  /** Its child processes (here ffmpeg), those that exited during the window included. */
  childrenPct: number;
  /** Child processes alive at the end of the window, by command name. */
  childrenAtEnd: Record<string, number>;
  /** The process reading (the bench: the emulator and the driver). */
  selfPct: number;
  /** The whole machine, all processes (at most 100 × cores). */
  machinePct: number;
  cores: number;
}

const pct = (ticks: number, seconds: number) => Math.round((ticks / TICKS_PER_SEC / seconds) * 1000) / 10;

/** What was used between two snapshots of the same process. */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const seconds = (b.at - a.at) / 1000;
  // A child alive at both ends: its growth. Started in the window: all of it. Exited in the window:
  // its whole time moved into the parent's cutime/cstime, less what it had used before the window.
  const childTicks =
    b.children.reduce((n, c) => n + c.ticks, 0) - a.children.reduce((n, c) => n + c.ticks, 0) + (b.target.reapedChildTicks - a.target.reapedChildTicks);
  const childrenAtEnd: Record<string, number> = {};
  for (const c of b.children) childrenAtEnd[c.comm] = (childrenAtEnd[c.comm] ?? 0) + 1;
  const cores = cpus().length;
  const machine = b.machine.total - a.machine.total;
  return {
    processPct: pct(b.target.ticks - a.target.ticks, seconds),
    childrenPct: pct(Math.max(0, childTicks), seconds),
    childrenAtEnd,
    selfPct: pct(b.self.ticks - a.self.ticks, seconds),
    machinePct: machine > 0 ? Math.round(((b.machine.busy - a.machine.busy) / machine) * cores * 1000) / 10 : 0,
    cores,
  };
}
