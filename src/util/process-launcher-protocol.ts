/** Messages between the process launcher (util/process-launcher.ts) and its worker thread. */

export type LauncherRequest =
  | { type: 'spawn'; id: number; binary: string; args: string[]; detached: boolean; stdin?: Uint8Array }
  | { type: 'kill'; id: number; signal: NodeJS.Signals }
  /** Stop / start reading the child's stdout (the reader's buffer is full / has room). */
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number }
  /** Kill every child, then end the thread. */
  | { type: 'shutdown' };

export type LauncherReply =
  | { type: 'stdout'; id: number; chunk: Uint8Array }
  | { type: 'stderr'; id: number; text: string }
  /** Exited (or never started: `error`), its output all sent before this. */
  | { type: 'close'; id: number; code: number | null; signal: NodeJS.Signals | null; error?: { code?: string; message: string } };
