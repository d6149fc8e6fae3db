import type { APIUser } from 'discord.js';
import { summarize, type Summary } from '../../src/bench/stats.ts';
import type { DiscordEmulator, InteractionHandle } from '../discord-emulator/index.ts';

/** What became of one interaction, read from the emulator's records. */
export type Outcome =
  | { kind: 'results'; cached: boolean }
  | { kind: 'failed'; ref: string | null; text: string }
  | { kind: 'unanswered'; acknowledged: boolean };

const REF = /\(ref ([0-9a-f]{6})\)/;

/**
 * Results: the public reply carries the result embed. Failed: the person got a message instead (a
 * private error, with a reference when it was unexpected). Unanswered: nothing they could see.
 */
export function outcomeOf(ix: InteractionHandle): Outcome {
  const r = ix.record;
  if (r.answeredAt === undefined) return { kind: 'unanswered', acknowledged: r.callback !== undefined };
  const original = ix.original();
  const footer = original && !original.ephemeral ? original.data.embeds[0]?.footer?.text : undefined;
  if (footer !== undefined) return { kind: 'results', cached: footer.endsWith('from cache') };
  const text = ix.followups()[0]?.data.content ?? original?.data.content ?? '';
  return { kind: 'failed', ref: REF.exec(text)?.[1] ?? null, text };
}

/** Counts and latencies of a set of interactions (milliseconds from dispatch). */
export interface Tally {
  sent: number;
  /** Initial callback accepted within Discord's 3-s deadline (the emulator refuses later ones). */
  acknowledged: number;
  answered: number;
  results: number;
  fromCache: number;
  failedWithRef: number;
  /** Failed without a reference (a message saying what to do, e.g. models restarting). */
  failedOther: number;
  unanswered: number;
  ackMs: Summary;
  answerMs: Summary;
  /** First dispatch to last answer. */
  wallMs: number;
  /** The texts of failed answers, each once, with how often. */
  failures: { text: string; count: number }[];
}

export function tally(handles: readonly InteractionHandle[]): Tally {
  const outcomes = handles.map(outcomeOf);
  const records = handles.map((h) => h.record);
  const acks = records.filter((r) => r.callback).map((r) => r.callback!.at - r.createdAt);
  const answers = records.filter((r) => r.answeredAt !== undefined).map((r) => r.answeredAt! - r.createdAt);
  const failed = outcomes.filter((o): o is Extract<Outcome, { kind: 'failed' }> => o.kind === 'failed');
  const texts = new Map<string, number>();
  for (const f of failed) {
    const text = f.text.replace(REF, '(ref …)');
    texts.set(text, (texts.get(text) ?? 0) + 1);
  }
  const first = Math.min(...records.map((r) => r.createdAt));
  const last = Math.max(...records.map((r) => r.answeredAt ?? r.createdAt));
  return {
    sent: handles.length,
    acknowledged: acks.length,
    answered: answers.length,
    results: outcomes.filter((o) => o.kind === 'results').length,
    fromCache: outcomes.filter((o) => o.kind === 'results' && o.cached).length,
    failedWithRef: failed.filter((f) => f.ref).length,
    failedOther: failed.filter((f) => !f.ref).length,
    unanswered: outcomes.filter((o) => o.kind === 'unanswered').length,
    ackMs: summarize(acks),
    answerMs: summarize(answers),
    wallMs: handles.length ? last - first : 0,
    failures: [...texts].map(([text, count]) => ({ text, count })),
  };
}

/** Resolves once every handle is answered, or after `timeoutMs` (the rest then count as unanswered). */
export function allAnswered(emu: DiscordEmulator, handles: readonly InteractionHandle[], timeoutMs: number): Promise<void> {
  const pending = new Set(handles.filter((h) => h.record.answeredAt === undefined).map((h) => h.id));
  if (pending.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const stop = emu.onAnswered((r) => {
      if (pending.delete(r.id) && pending.size === 0) done();
    });
  });
}

/** One /recommend as a person in a server sends it. */
export interface Ask {
  prompt: string;
  user: APIUser;
  guild: string;
}

export function sendRecommend(emu: DiscordEmulator, ask: Ask): Promise<InteractionHandle> {
  return emu.sendCommand({ name: 'recommend', options: { prompt: ask.prompt }, user: ask.user, guild: ask.guild });
}
