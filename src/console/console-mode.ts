import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { prepareQuery, runQuery } from '../app/recommend-query.ts';
import type { AppServices } from '../app/services.ts';
import { presentError } from '../app/present-error.ts';
import { renderPageText } from './result-text.ts';
import { clampPage, pageCount, type ResultView } from '../app/result-view.ts';

/** What `npm start` says without a token: one paragraph naming the variables and the README section. */
export function setupHelp(): string {
  return [
    'cratedigger: DISCORD_TOKEN is not set, so the bot cannot connect to Discord. To run it, create an',
    'application in the Discord developer portal, put its bot token in DISCORD_TOKEN and its id in',
    'DISCORD_APPLICATION_ID (in .env; see .env.example), optionally DISCORD_GUILD_ID for instant commands',
    'in one server, then run `npm run deploy-commands` once and `npm start`. README: "Running the Discord bot".',
    '',
  ].join('\n');
}

export const CONSOLE_HELP =
  'Try it here on the local index: type what you want to hear (n / p: next / previous page; empty line or q: quit).';

/**
 * A prompt loop in the terminal that renders the same result pages as the bot, so a newcomer
 * sees the main job work without Discord. Resolves when the person quits or input ends.
 */
export async function runConsole(ctx: AppServices, io: { input: Readable; output: Writable }): Promise<void> {
  const write = (text: string) => io.output.write(`${text}\n`);
  const status = ctx.recommender.status();
  write(`Index "${status.name}": ${status.tracks} tracks, ${status.mode}, first stage ${status.firstStage}. ${CONSOLE_HELP}`);
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  let view: ResultView | null = null;
  let page = 0;
  io.output.write('> ');
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '' || line.toLowerCase() === 'q') break;
      const turn = line.toLowerCase();
      if ((turn === 'n' || turn === 'p') && !view) {
        write('(no results yet: type what you want to hear)');
      } else if ((turn === 'n' || turn === 'p') && view) {
        const next = clampPage(view, page + (turn === 'n' ? 1 : -1));
        if (next === page) write(turn === 'n' ? '(this is the last page)' : '(this is the first page)');
        else write(renderPageText(view, (page = next)));
      } else {
        try {
          const outcome = await runQuery(ctx, prepareQuery(ctx, { prompt: line }));
          view = outcome.view;
          page = 0;
          write(renderPageText(view, page));
          if (pageCount(view) > 1) write('(n: next page)');
        } catch (err) {
          const presented = presentError(err, (ref) => ctx.logger.error({ err, ref }, `console query failed (ref ${ref})`));
          write(presented.kind === 'user' ? `⚠️ ${presented.text}` : presented.text);
        }
      }
      io.output.write('> ');
    }
  } finally {
    rl.close();
  }
  write('');
}
