import type { LagFigures } from '../../src/bench/event-loop-lag.ts';

/** Messages between the load run and the bot process under load (IPC). */
export type ChildRequest = { op: 'memory' } | { op: 'crash-worker' } | { op: 'lag-start' } | { op: 'lag-stop' };

/** `memory`: RSS as the OS sees it, then RSS and the JS heap in use after a full garbage collection. */
export type ChildReply =
  | { op: 'ready'; readyMs: number }
  | { op: 'memory'; rssBytes: number; rssAfterGcBytes: number; heapUsedBytes: number }
  | { op: 'crash-worker' }
  /** `lag-start` begins measuring the bot's event-loop lag; `lag-stop` ends it with the figures. */
  | { op: 'lag-start' }
  | { op: 'lag-stop'; lag: LagFigures };
