/**
 * The process launcher's thread: spawns the children the main thread asks for (the fork's cost
 * lands here, not on the main event loop) and relays their output and exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { LauncherReply, LauncherRequest } from './process-launcher-protocol.ts';

const port = parentPort!;
const data = workerData as { niceness?: number; window: number };
/** Added to the children's nice value: encoding yields the CPU to the bot's own threads. */
const niceness = Number(data.niceness ?? 0);
/** Bytes of a child's stdout sent and not yet acknowledged, past which its pipe is not read. */
const windowBytes = data.window;
const children = new Map<number, { child: ChildProcess; unacked: number }>();
const post = (reply: LauncherReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

function start(req: Extract<LauncherRequest, { type: 'spawn' }>): void {
  const child = spawn(req.binary, req.args, { stdio: ['pipe', 'pipe', 'pipe'], detached: req.detached });
  const entry = { child, unacked: 0 };
  children.set(req.id, entry);
  if (child.pid !== undefined && niceness) {
    try {
      // Added to the bot's own niceness (as `nice -n` does), within Linux's range.
      setPriority(child.pid, Math.min(19, Math.max(-20, getPriority() + niceness)));
    } catch {
      // Not allowed here (a container without the right): it runs at the bot's priority.
    }
  }
  let error: { code?: string; message: string } | undefined;
  child.stdin!.on('error', () => {});
  if (req.stdin) child.stdin!.end(Buffer.from(req.stdin.buffer, req.stdin.byteOffset, req.stdin.byteLength));
  else child.stdin!.end();
  child.stdout!.on('data', (chunk: Buffer) => {
    // A copy of its own: pipe reads may share a larger allocation, which must not be transferred.
    const copy = new Uint8Array(chunk);
    entry.unacked += copy.byteLength;
    post({ type: 'stdout', id: req.id, chunk: copy }, [copy.buffer]);
    if (entry.unacked >= windowBytes) child.stdout!.pause();
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => post({ type: 'stderr', id: req.id, text }));
  child.on('error', (err: NodeJS.ErrnoException) => {
    error = { ...(err.code ? { code: err.code } : {}), message: err.message };
  });
  child.on('close', (code, signal) => {
    children.delete(req.id);
    post({ type: 'close', id: req.id, code, signal, ...(error ? { error } : {}) });
  });
}

port.on('message', (req: LauncherRequest) => {
  switch (req.type) {
    case 'spawn':
      start(req);
      break;
    case 'kill':
      children.get(req.id)?.child.kill(req.signal);
      break;
    case 'ack': {
      const entry = children.get(req.id);
      if (!entry) break;
      entry.unacked -= req.bytes;
      if (entry.unacked < windowBytes) entry.child.stdout?.resume();
      break;
    }
    case 'shutdown':
      for (const { child } of children.values()) child.kill('SIGKILL');
      port.close();
      break;
  }
});
