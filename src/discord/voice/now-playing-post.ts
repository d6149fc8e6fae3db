import type { Message, SendableChannels } from 'discord.js';
import type { Logger } from '../../logger.ts';
import { nowPlayingMessage, type NowPlayingView } from './now-playing.ts';

/**
 * One list's now-playing message: sent on the first `show`, edited on the next ones. Edits go out
 * one at a time and only the latest view is sent, so a burst of changes (a skip, a track that
 * fails at once, the next one starting) costs one or two edits, never a backlog. A message it
 * cannot send or edit (no permission, deleted, Discord down) is logged once and tried again at the
 * next change; playback does not depend on it.
 */
export class NowPlayingPost {
  #message: Message | null = null;
  #pending: NowPlayingView | null = null;
  #running: Promise<void> | null = null;
  #warned = false;

  constructor(
    private readonly channel: SendableChannels,
    private readonly logger: Logger,
  ) {}

  get messageId(): string | undefined {
    return this.#message?.id;
  }

  get channelId(): string {
    return this.channel.id;
  }

  /** Shows `view` as soon as the edits before it are done (a later view replaces an unsent one). */
  show(view: NowPlayingView): void {
    this.#pending = view;
    this.#running ??= this.#drain();
  }

  /** Resolves when every view shown so far has been sent (or has failed). */
  flushed(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    while (this.#pending) {
      const view = this.#pending;
      this.#pending = null;
      const body = nowPlayingMessage(view);
      try {
        if (this.#message) await this.#message.edit(body);
        else this.#message = await this.channel.send(body);
      } catch (err) {
        if (this.#warned) continue;
        this.#warned = true;
        this.logger.warn({ err, channel: this.channel.id, messageId: this.#message?.id }, 'could not show the now-playing message');
      }
    }
    this.#running = null;
  }
}
