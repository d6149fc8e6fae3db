import {
  type AudioPlayer,
  AudioPlayerStatus,
  type AudioResource,
  createAudioPlayer,
  createAudioResource,
  entersState,
  joinVoiceChannel,
  NoSubscriberBehavior,
  StreamType,
  type VoiceConnection,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import type { Guild, SendableChannels, VoiceBasedChannel } from 'discord.js';
import { currentTrack, skipTrack, startQueue, stopQueue, trackEnded, trackUnplayable, type PlayQueue, type QueueTrack } from '../../app/play-queue.ts';
import type { TrackAudio } from '../../app/track-audio.ts';
import type { FfmpegTools } from '../../audio/ffmpeg-process.ts';
import { opusFailureReason, startOpusStream, type OpusStream, type OpusStreamEnd } from '../../audio/opus-stream.ts';
import { UserError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { LeaveReason, NowPlayingView } from './now-playing.ts';
import { NowPlayingPost } from './now-playing-post.ts';

/** What a voice session needs from the bot: settings, the audio lookup, and where to report its end. */
export interface VoiceSessionDeps {
  logger: Logger;
  /** Leave after this long with nothing playing, or with nobody but bots in the channel. */
  idleMs: number;
  /** The @discordjs/voice group of this bot's connections (one per VoicePlayers: bots in one process never share one). */
  group: string;
  tools: FfmpegTools;
  findAudio(trackId: string): Promise<TrackAudio>;
  /** Called once, when the session has left its channel for whatever reason. */
  onEnded(session: VoiceSession): void;
}

/** How long a join may take before the person is told it failed. */
const JOIN_TIMEOUT_MS = 20_000;
/** The @discordjs/voice guide's grace for a disconnect that is really a move or a reconnect. */
const RECONNECT_GRACE_MS = 5_000;
/** After a track's audio ended, how long ffmpeg may take to report its exit before it is killed. */
const EXIT_GRACE_MS = 2_000;

interface Playing {
  track: QueueTrack;
  file: string;
  /** Playing a cached preview clip, the track's own file being absent. */
  previewOnly: boolean;
  stream: OpusStream;
  resource: AudioResource | null;
}

/**
 * The bot in one voice channel of one server: its connection, its audio player, the list playing
 * and that list's now-playing message. Tracks play one after another through ffmpeg (decode +
 * libopus) into an Ogg Opus resource; a track without audio, or one ffmpeg cannot decode, is noted
 * and passed over. Ends (once) on ⏏ Leave, after the idle time with nothing playing or nobody
 * listening, when the connection is lost for good, or at shutdown.
 */
export class VoiceSession {
  readonly guildId: string;
  readonly #guild: Guild;
  readonly #deps: VoiceSessionDeps;
  readonly #connection: VoiceConnection;
  readonly #player: AudioPlayer;
  #queue: PlayQueue | null = null;
  #post: NowPlayingPost | null = null;
  #current: Playing | null = null;
  /** Bumped whenever what plays changes on purpose, so late events of the old track are ignored. */
  #generation = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #aloneTimer: NodeJS.Timeout | undefined;
  #left: NowPlayingView['left'] | undefined;

  private constructor(guild: Guild, connection: VoiceConnection, deps: VoiceSessionDeps) {
    this.guildId = guild.id;
    this.#guild = guild;
    this.#deps = deps;
    this.#connection = connection;
    // Paused while the connection is not ready (a resume, a reconnect); a short stall is sent as silence.
    this.#player = createAudioPlayer({ behaviors: { noSubscriber: NoSubscriberBehavior.Pause, maxMissedFrames: 25 } });
    connection.subscribe(this.#player);
    this.#player.on('stateChange', (before, after) => {
      if (after.status === AudioPlayerStatus.Playing && before.status === AudioPlayerStatus.Buffering) this.#render();
      if (after.status === AudioPlayerStatus.Idle && before.status !== AudioPlayerStatus.Idle) void this.#trackDone(before.resource);
    });
    this.#player.on('error', (err) => this.#log.warn({ err, trackId: this.#current?.track.trackId }, 'voice player error'));
    connection.on('error', (err) => this.#log.warn({ err }, 'voice connection error'));
    connection.on('stateChange', (_before, after) => {
      if (after.status === VoiceConnectionStatus.Disconnected) void this.#disconnected();
      if (after.status === VoiceConnectionStatus.Destroyed && !this.#left) void this.leave('lost');
    });
  }

  /** Joins `channel` and waits until audio can be sent; a join that does not complete is undone and explained. */
  static async join(channel: VoiceBasedChannel, deps: VoiceSessionDeps): Promise<VoiceSession> {
    const connection = joinVoiceChannel({
      channelId: channel.id,
      guildId: channel.guild.id,
      adapterCreator: channel.guild.voiceAdapterCreator,
      group: deps.group,
      selfDeaf: true,
      selfMute: false,
    });
    try {
      await entersState(connection, VoiceConnectionStatus.Ready, JOIN_TIMEOUT_MS);
    } catch (err) {
      if (connection.state.status !== VoiceConnectionStatus.Destroyed) connection.destroy();
      deps.logger.warn({ err, guild: channel.guild.id, channel: channel.id }, 'voice join failed');
      throw new UserError(`I could not connect to <#${channel.id}>: Discord's voice server did not answer in time.`, 'Try again in a moment.');
    }
    const session = new VoiceSession(channel.guild, connection, deps);
    deps.logger.info({ guild: channel.guild.id, channel: channel.id }, 'voice joined');
    session.voiceStatesChanged();
    return session;
  }

  /** Log lines name the server and the channel it is in now (a moderator may have moved it). */
  get #log(): Logger {
    return this.#deps.logger.child({ guild: this.guildId, channel: this.channelId });
  }

  /** The voice channel it is in (follows a move by a moderator). */
  get channelId(): string {
    return this.#connection.joinConfig.channelId ?? '';
  }

  /** A list is playing (not finished, not stopped). */
  get playing(): boolean {
    return this.#queue?.status === 'playing';
  }

  get ended(): boolean {
    return this.#left !== undefined;
  }

  get queue(): PlayQueue | null {
    return this.#queue;
  }

  /** The current list's now-playing message, once sent. */
  get nowPlayingMessageId(): string | undefined {
    return this.#post?.messageId;
  }

  /** What the now-playing message shows now. */
  view(): NowPlayingView | null {
    if (!this.#queue) return null;
    return { queue: this.#queue, channelId: this.channelId, ...(this.#left ? { left: this.#left } : {}), ...(this.#current?.previewOnly ? { previewOnly: true } : {}) };
  }

  /**
   * Plays `tracks` from the first, now: a list already playing is replaced (its message says by
   * whom and loses its controls), and the new list gets its own now-playing message in `textChannel`.
   */
  play(tracks: readonly QueueTrack[], by: string, textChannel: SendableChannels): void {
    if (this.#left) return;
    clearTimeout(this.#idleTimer);
    const previous = this.#queue;
    this.#dropCurrent();
    if (previous && this.#post) {
      const retired = this.#post;
      // The old message keeps its last state plus the replacement, without controls.
      retired.show({ queue: previous, channelId: this.channelId, replacedBy: by });
    }
    this.#queue = startQueue(tracks, by, previous ?? undefined);
    this.#post = new NowPlayingPost(textChannel, this.#log);
    this.#log.info({ by, tracks: tracks.length, replaced: previous?.status === 'playing' }, 'voice list started');
    // The message comes once the first track plays (or is passed over): it never names a track
    // as playing that turns out to have no audio.
    void this.#startCurrent();
  }

  /** ⏭ Skip: on to the next track. False when nothing plays. */
  skip(by: string): boolean {
    if (!this.#queue || !this.playing) return false;
    this.#dropCurrent();
    this.#queue = skipTrack(this.#queue, by);
    this.#render();
    void this.#startCurrent();
    return true;
  }

  /** ⏹ Stop: the rest of the list is dropped; the bot stays until the idle time runs out. False when nothing plays. */
  stop(by: string): boolean {
    if (!this.#queue || !this.playing) return false;
    this.#generation++;
    this.#dropCurrent();
    this.#queue = stopQueue(this.#queue, by);
    this.#render();
    this.#armIdle();
    return true;
  }

  /** Leaves the channel now (idempotent); resolves once the now-playing message says so. */
  async leave(reason: LeaveReason, extra: { by?: string; to?: string } = {}): Promise<void> {
    if (this.#left) return;
    this.#left = { reason, ...extra };
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#aloneTimer);
    this.#generation++;
    this.#dropCurrent();
    if (this.#connection.state.status !== VoiceConnectionStatus.Destroyed) this.#connection.destroy();
    const log = this.#deps.logger.child({ guild: this.guildId, channel: this.channelId });
    if (reason === 'lost') log.warn({ reason }, 'voice left');
    else log.info({ reason, ...extra }, 'voice left');
    this.#render();
    this.#deps.onEnded(this);
    await this.#post?.flushed();
  }

  /**
   * Someone joined, left or moved in this server: with nobody but bots left in the channel, the
   * bot leaves after the idle time unless someone comes back.
   */
  voiceStatesChanged(): void {
    if (this.#left) return;
    const me = this.#guild.client.user.id;
    const listeners = this.#guild.voiceStates.cache.filter(
      (s) => s.channelId === this.channelId && s.id !== me && !(s.member?.user.bot ?? this.#guild.client.users.cache.get(s.id)?.bot ?? false),
    ).size;
    if (listeners > 0) {
      clearTimeout(this.#aloneTimer);
      this.#aloneTimer = undefined;
    } else if (!this.#aloneTimer) {
      this.#aloneTimer = setTimeout(() => void this.leave('alone'), this.#deps.idleMs).unref();
    }
  }

  #render(): void {
    const view = this.view();
    if (view) this.#post?.show(view);
  }

  #armIdle(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => void this.leave('idle'), this.#deps.idleMs).unref();
  }

  /** Stops what plays now (its ffmpeg too) without the player's end event counting as the track's end. */
  #dropCurrent(): void {
    const current = this.#current;
    this.#current = null;
    current?.stream.kill();
    this.#player.stop(true);
  }

  /** Starts the list's current track; passes over tracks without audio or that ffmpeg cannot open. */
  async #startCurrent(): Promise<void> {
    const generation = ++this.#generation;
    const stale = () => generation !== this.#generation || this.#left !== undefined;
    for (;;) {
      const queue = this.#queue;
      const track = queue ? currentTrack(queue) : undefined;
      if (!queue || !track) {
        this.#render();
        this.#armIdle();
        return;
      }
      const audio = await this.#deps.findAudio(track.trackId);
      if (stale()) return;
      if (audio.kind === 'none') {
        this.#log.info({ trackId: track.trackId, why: audio.why }, 'voice track has no audio; skipped');
        this.#queue = trackUnplayable(queue, audio.why === 'gone' ? 'gone' : 'no-audio');
        this.#render();
        continue;
      }
      const stream = startOpusStream(audio.file, this.#deps.tools);
      this.#current = { track, file: audio.file, previewOnly: audio.source === 'preview', stream, resource: null };
      const started = await stream.started;
      if (stale()) {
        stream.kill();
        return;
      }
      if (!started) {
        this.#current = null;
        this.#noteDecodeFailure(track, audio.file, await stream.ended);
        this.#queue = trackUnplayable(queue, 'not-decodable');
        this.#render();
        continue;
      }
      const resource = createAudioResource(stream.stdout, { inputType: StreamType.OggOpus });
      this.#current.resource = resource;
      this.#player.play(resource);
      this.#log.debug({ trackId: track.trackId, source: audio.source, position: queue.position + 1 }, 'voice track started');
      return;
    }
  }

  /** The player went idle after `resource`: the track ended, failed, or was cut short by ffmpeg. */
  async #trackDone(resource: AudioResource): Promise<void> {
    const current = this.#current;
    if (!current || current.resource !== resource) return;
    this.#current = null;
    const generation = this.#generation;
    const end = await Promise.race([
      current.stream.ended,
      new Promise<OpusStreamEnd>((resolve) =>
        setTimeout(() => {
          current.stream.kill();
          resolve(current.stream.ended);
        }, EXIT_GRACE_MS).unref(),
      ),
    ]);
    if (generation !== this.#generation || this.#left || !this.#queue) return;
    if (resource.playbackDuration === 0) {
      this.#noteDecodeFailure(current.track, current.file, end);
      this.#queue = trackUnplayable(this.#queue, 'not-decodable');
    } else if (end.code !== 0 && !end.killed) {
      this.#log.warn({ trackId: current.track.trackId, code: end.code, reason: opusFailureReason(end, current.file), playedMs: resource.playbackDuration }, 'voice track cut short');
      this.#queue = trackUnplayable(this.#queue, 'cut-short');
    } else {
      this.#queue = trackEnded(this.#queue);
    }
    this.#render();
    void this.#startCurrent();
  }

  #noteDecodeFailure(track: QueueTrack, file: string, end: OpusStreamEnd): void {
    this.#log.warn({ trackId: track.trackId, code: end.code, reason: opusFailureReason(end, file) }, 'voice track could not be decoded; skipped');
  }

  /** The voice guide's pattern: a disconnect that is not followed by a reconnect within 5 s is final. */
  async #disconnected(): Promise<void> {
    try {
      await Promise.race([
        entersState(this.#connection, VoiceConnectionStatus.Signalling, RECONNECT_GRACE_MS),
        entersState(this.#connection, VoiceConnectionStatus.Connecting, RECONNECT_GRACE_MS),
      ]);
    } catch {
      if (!this.#left) await this.leave('lost');
    }
  }
}
