/** Exit code of a build stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/**
 * Turns SIGINT/SIGTERM into a request to stop after the current track (the build saves its
 * checkpoint and exits 130); a second one stops at once (the saved chunks stay).
 */
export function stopOnSignals(say: (line: string) => void): { signal: AbortSignal; release(): void } {
  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      say('stopping now; run the same command again to resume.');
      process.exit(EXIT_INTERRUPTED);
    }
    say(`\n${sig}: stopping after the current track and saving progress… (Ctrl-C again to stop at once)`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: stop.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
