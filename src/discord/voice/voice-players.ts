import { randomUUID } from 'node:crypto';
import { Events, type Client, type Guild, type SendableChannels, type VoiceBasedChannel } from 'discord.js';
import type { QueueTrack } from '../../app/play-queue.ts';
import type { TrackAudio } from '../../app/track-audio.ts';
import type { FfmpegTools } from '../../audio/ffmpeg-process.ts';
import { UserError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { decidePlay, joinRefusal } from './voice-rules.ts';
import { VoiceSession } from './voice-session.ts';

export interface VoicePlayersSettings {
  logger: Logger;
  idleMs: number;
  tools: FfmpegTools;
  findAudio(trackId: string): Promise<TrackAudio>;
}

export interface PlayRequest {
  /** The asker's voice channel. */
  voiceChannel: VoiceBasedChannel;
  /** Where the now-playing message goes: the channel the request came from. */
  textChannel: SendableChannels;
  tracks: readonly QueueTrack[];
  by: string;
}

/** What a play request did. */
export interface PlayOutcome {
  kind: 'joined' | 'started' | 'replaced' | 'moved';
  session: VoiceSession;
}

/** How long the shutdown waits for the now-playing messages to say the bot left. */
const SHUTDOWN_MESSAGE_WAIT_MS = 3_000;

/**
 * The bot's voice playback: at most one session per server, reached through the bot context.
 * Requests for one server are handled one at a time (two quick presses cannot join twice); which
 * request joins, replaces, moves or is refused is `decidePlay`'s rule.
 */
export class VoicePlayers {
  readonly #sessions = new Map<string, VoiceSession>();
  readonly #chains = new Map<string, Promise<unknown>>();
  /** This bot's own @discordjs/voice group: the library's connection registry is per process. */
  readonly #group = `cratedigger-${randomUUID()}`;
  #closing = false;

  constructor(private readonly settings: VoicePlayersSettings) {}

  /** The server's session, if the bot is in one of its voice channels. */
  session(guildId: string): VoiceSession | undefined {
    return this.#sessions.get(guildId);
  }

  get sessions(): readonly VoiceSession[] {
    return [...this.#sessions.values()];
  }

  /**
   * Plays a list for a person in their voice channel: joins it, replaces the list the bot plays
   * there, or moves there when the bot idles elsewhere in the server. Throws a UserError (told
   * privately) when the bot plays in another channel, lacks permissions, finds the channel full or
   * cannot connect.
   */
  play(request: PlayRequest): Promise<PlayOutcome> {
    const guild = request.voiceChannel.guild;
    return this.#exclusive(guild.id, async () => {
      const existing = this.#live(guild.id);
      const decision = decidePlay({ botChannelId: existing?.channelId ?? null, playing: existing?.playing ?? false, askerChannelId: request.voiceChannel.id });
      if (decision.kind === 'refuse') throw decision.error;
      if (decision.kind === 'start' && existing) {
        const replaced = existing.playing;
        existing.play(request.tracks, request.by, request.textChannel);
        return { kind: replaced ? 'replaced' : 'started', session: existing };
      }
      await this.#checkCanJoin(guild, request.voiceChannel);
      if (existing) await existing.leave('moved', { to: request.voiceChannel.id });
      const session = await VoiceSession.join(request.voiceChannel, {
        ...this.settings,
        group: this.#group,
        onEnded: (s) => {
          if (this.#sessions.get(s.guildId) === s) this.#sessions.delete(s.guildId);
        },
      });
      this.#sessions.set(guild.id, session);
      session.play(request.tracks, request.by, request.textChannel);
      return { kind: existing ? 'moved' : 'joined', session };
    });
  }

  /** A voice state changed in `guildId`: the session there re-counts its listeners. */
  voiceStatesChanged(guildId: string): void {
    this.#sessions.get(guildId)?.voiceStatesChanged();
  }

  /**
   * Leaves every voice channel (the shutdown, before the gateway closes: leaving is a gateway
   * message). Waits a little for the now-playing messages to say so, never long.
   */
  async closeAll(): Promise<void> {
    this.#closing = true;
    const leaving = Promise.all(this.sessions.map((s) => s.leave('shutdown')));
    await Promise.race([leaving, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_MESSAGE_WAIT_MS).unref())]);
  }

  #live(guildId: string): VoiceSession | undefined {
    const s = this.#sessions.get(guildId);
    return s && !s.ended ? s : undefined;
  }

  async #checkCanJoin(guild: Guild, channel: VoiceBasedChannel): Promise<void> {
    const me = guild.members.me ?? (await guild.members.fetchMe());
    const members = guild.voiceStates.cache.filter((s) => s.channelId === channel.id).size;
    const refusal = joinRefusal({ channelId: channel.id, botPermissions: channel.permissionsFor(me)?.bitfield ?? null, userLimit: channel.userLimit, members });
    if (refusal) {
      this.settings.logger.info({ guild: guild.id, channel: channel.id, problem: refusal.message }, 'voice join refused');
      throw refusal;
    }
    if (this.#closing) throw new UserError('The bot is restarting.', 'Try again in a minute.');
  }

  /** Runs `fn` after the earlier requests for the same server. */
  #exclusive<T>(guildId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#chains.get(guildId) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.#chains.set(guildId, settled);
    void settled.then(() => {
      if (this.#chains.get(guildId) === settled) this.#chains.delete(guildId);
    });
    return run;
  }
}

/** Voice state changes reach the sessions (who is still listening). Needs the GuildVoiceStates intent. */
export function attachVoiceEvents(client: Client, voice: VoicePlayers): void {
  client.on(Events.VoiceStateUpdate, (_before, after) => voice.voiceStatesChanged(after.guild.id));
}
