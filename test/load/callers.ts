import type { DiscordEmulator, InteractionHandle } from '../discord-emulator/index.ts';
import { allAnswered, sendRecommend, type Ask } from './outcomes.ts';

/** Something done to the running bot once `afterAnswered` queries have been answered. */
export interface Fault {
  afterAnswered: number;
  act(): Promise<void>;
}

export interface CallersRun {
  handles: InteractionHandle[];
  /** When each fault began (ms since epoch), in the order given. */
  faultAt: number[];
}

/**
 * `callers` people asking at once, each sending their next /recommend when the previous one is
 * answered (or has waited `timeoutMs`), until `asks` run out; faults are applied as the answered
 * count passes their mark.
 */
export async function runCallers(emu: DiscordEmulator, asks: readonly Ask[], callers: number, timeoutMs: number, faults: readonly Fault[] = []): Promise<CallersRun> {
  const handles: InteractionHandle[] = [];
  const faultAt: number[] = [];
  let next = 0;
  let answered = 0;
  let pendingFaults = Promise.resolve();
  const due = [...faults];
  const caller = async (): Promise<void> => {
    while (next < asks.length) {
      const ix = await sendRecommend(emu, asks[next++]!);
      handles.push(ix);
      await allAnswered(emu, [ix], timeoutMs);
      answered++;
      // Faults run one after another, in the background: callers keep asking meanwhile.
      while (due[0] && answered >= due[0].afterAnswered) {
        const fault = due.shift()!;
        pendingFaults = pendingFaults.then(async () => {
          faultAt.push(Date.now());
          await fault.act();
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(callers, asks.length)) }, caller));
  await pendingFaults;
  return { handles, faultAt };
}

/** Everything at once: every /recommend dispatched before any is answered. */
export async function burst(emu: DiscordEmulator, asks: readonly Ask[], timeoutMs: number): Promise<InteractionHandle[]> {
  const handles: InteractionHandle[] = [];
  for (const ask of asks) handles.push(await sendRecommend(emu, ask));
  await allAnswered(emu, handles, timeoutMs);
  return handles;
}
