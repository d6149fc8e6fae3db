/**
 * The process launcher's thread: spawns the children the main thread asks for (the fork's cost
 * lands here, not on the main event loop) and relays their output and exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { LauncherReply, LauncherRequest } from './process-launcher-protocol.ts';

const port = parentPort!;
/** Added to the children's nice value: encoding yields the CPU to the bot's own threads. */
const niceness = Number((workerData as { niceness?: number }).niceness ?? 0);
const children = new Map<number, ChildProcess>();
const post = (reply: LauncherReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

function start(req: Extract<LauncherRequest, { type: 'spawn' }>): void {
  const child = spawn(req.binary, req.args, { stdio: ['pipe', 'pipe', 'pipe'], detached: req.detached });
  children.set(req.id, child);
  if (child.pid !== undefined && niceness) {
    try {
      setPriority(child.pid, niceness);
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
    post({ type: 'stdout', id: req.id, chunk: copy }, [copy.buffer]);
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
      children.get(req.id)?.kill(req.signal);
      break;
    case 'pause':
      children.get(req.id)?.stdout?.pause();
      break;
    case 'resume':
      children.get(req.id)?.stdout?.resume();
      break;
    case 'shutdown':
      for (const child of children.values()) child.kill('SIGKILL');
      port.close();
      break;
  }
});
