/** Messages between the load run and the bot process under load (IPC). */
export type ChildRequest = { op: 'memory' } | { op: 'crash-worker' };

/** `memory`: RSS as the OS sees it, then RSS and the JS heap in use after a full garbage collection. */
export type ChildReply =
  | { op: 'ready'; readyMs: number }
  | { op: 'memory'; rssBytes: number; rssAfterGcBytes: number; heapUsedBytes: number }
  | { op: 'crash-worker' };
