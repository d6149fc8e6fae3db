import { header, row } from '../../src/bench/format-report.ts';
import { machineLine } from '../../src/bench/machine.ts';
import type { Goal } from './goals.ts';
import type { BotLoadReport } from './run-bot-load.ts';
import type { MemoryReading, Observed } from './scenarios.ts';

const ms = (x: number) => String(Math.round(x));
const pair = (a: number, b: number) => `${ms(a)} / ${ms(b)}`;

function scenarioRow(name: string, { queries: t, bot }: Observed): string {
  return row([
    name,
    t.sent,
    t.unanswered,
    `${t.failedWithRef} / ${t.failedOther}`,
    t.fromCache,
    pair(t.ackMs.p50, t.ackMs.p99),
    pair(t.answerMs.p50, t.answerMs.p99),
    ms(t.answerMs.max),
    pair(bot.queryMs.p50, bot.queryMs.p99),
    (bot.handledWallMs / 1000).toFixed(1),
    `${bot.rateLimitWaits} (${bot.globalRateLimitWaits})`,
  ]);
}

function goalRow(g: Goal): string {
  const value = g.value === null ? '—' : `${g.value}${g.unit ? ` ${g.unit}` : ''}`;
  return row([g.name, g.target, value, g.met === null ? '—' : g.met ? 'met' : '**missed**']);
}

/** The run as Markdown: what ran where, one row per scenario, memory, the goals, and what the faults did. */
export function formatBotLoad(r: BotLoadReport): string {
  const s = r.setup;
  const lines = [
    `Run ${r.startedAt.slice(0, 19).replace('T', ' ')} UTC, ${r.durationSec} s. Machine: ${machineLine(r.machine)}; 1-minute load average ${r.loadAverage.start} at the start, ${r.loadAverage.end} at the end (other work shares it).`,
    `The bot: its own process (the real startBot), ready in ${s.readyMs} ms; index ${s.index.name} (${s.index.tracks} tracks, ${s.index.mode}), models ${s.models.text}${s.models.clap ? ` + ${s.models.clap}` : ''}. ` +
      `Discord: the emulator in the load process on the same machine (REST + gateway over 127.0.0.1; 3-s acknowledgement deadline enforced), ${s.servers} servers, ${s.members} members. ` +
      'Bursts use the in-memory cache (the default); the fault runs KEYV_URL=redis://… on a fresh redis-server. Preview clips start from an empty cache.',
    '',
    'Times in ms from the interaction\'s dispatch: ack = the deferral reached Discord; answer = the person saw results or an error. ' +
      'From the bot\'s log: query = cache lookup and, on a miss, the pipeline; done = seconds until the bot finished every command (reply, page state, ◀️ ▶️ reactions); ' +
      'rate-limit waits = requests discord.js held back (in brackets: for its global 50 requests/s).',
    '',
    ...header(
      ['scenario', 'sent', 'unanswered', 'failed (ref / other)', 'from cache', 'ack p50 / p99', 'answer p50 / p99', 'answer max', 'query p50 / p99', 'done (s)', 'rate-limit waits'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ];
  r.bursts?.runs.forEach((run, i) => {
    const name = i === 0 ? `burst 1: ${s.interactions} /recommend at once, ${s.members} members in ${s.servers} servers, distinct prompts` : `burst ${i + 1}: the same again`;
    lines.push(scenarioRow(name, run));
  });
  if (r.reload) lines.push(scenarioRow(`/reload by an operator during ${s.faultQueries} queries from ${s.callers} callers`, r.reload));
  if (r.redis) lines.push(scenarioRow(`redis-server killed, then restarted, during ${s.faultQueries} queries from ${s.callers} callers`, r.redis));
  if (r.worker) lines.push(scenarioRow(`encoder worker killed during ${s.faultQueries} queries from ${s.callers} callers`, r.worker));
  lines.push('');
  if (r.bursts) {
    const all = [r.bursts.memory.ready, ...r.bursts.memory.after];
    const signed = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : ''}${x} %`);
    const series = (pick: (m: MemoryReading) => number) => all.map(pick).join(' → ');
    lines.push(
      `Memory of the bot process, ready and then after each burst once it had finished every command (MB): RSS after a full garbage collection ${series((m) => m.rssAfterGcMb)} ` +
        `(${signed(r.bursts.rssGrowthPct)} from burst 1 to burst 2); JS heap in use after it ${series((m) => m.heapMb)} (${signed(r.bursts.heapGrowthPct)}); ` +
        `RSS as found, before that collection ${series((m) => m.rssMb)}.`,
    );
  }
  if (r.reload) {
    const rl = r.reload.reload;
    lines.push(`/reload: ${rl.ok ? 'answered' : 'NOT answered with the summary'} in ${rl.answerMs ?? '—'} ms ("${rl.reply.split('\n')[0]!.slice(0, 120)}"); ${r.reload.queriesDuringReload} queries were in flight while it ran.`);
  }
  if (r.redis) lines.push(`Redis: down ${r.redis.outageMs} ms, ${r.redis.queriesDuringOutage} queries dispatched meanwhile.`);
  for (const [name, o] of [['/reload', r.reload], ['Redis', r.redis], ['Encoder worker', r.worker]] as const) {
    if (!o?.bot.cacheUnavailable.length) continue;
    const reasons = o.bot.cacheUnavailable.map((why) => `"${why}"`).join(', ');
    lines.push(`${name} run: the bot found the cache unavailable ${o.bot.cacheUnavailable.length} time(s) (${reasons}) and reachable again ${o.bot.cacheBack} time(s); meanwhile it answered without it.`);
  }
  if (r.worker) {
    const w = r.worker;
    lines.push(`Encoder worker: ${w.restarts} restart(s) logged; first results ${w.recoveryMs ?? '—'} ms after the crash; ${w.afterCrash.results} of ${w.afterCrash.sent} queries dispatched after it got results.`);
  }
  const failures = [...(r.bursts?.runs ?? []), r.reload, r.redis, r.worker].flatMap((o) => o?.queries.failures ?? []);
  if (failures.length) lines.push('', 'Failed answers as people saw them:', ...failures.map((f) => `- ${f.count} × "${f.text}"`));
  lines.push('', ...header(['goal', 'target', 'measured', ''], ['l', 'r', 'r', 'l']), ...r.goals.map(goalRow));
  return lines.join('\n');
}
