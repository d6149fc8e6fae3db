/**
 * Who is in which voice channel, kept in each guild's `voice_states` (so GUILD_CREATE carries them),
 * and the bot's op 4 Voice State Update: permission checks, VOICE_STATE_UPDATE, then
 * VOICE_SERVER_UPDATE pointing at the emulated voice server.
 */
import { randomBytes } from 'node:crypto';
import { GatewayDispatchEvents, GatewayIntentBits, PermissionFlagsBits, type APIBaseVoiceState, type APIVoiceState } from 'discord.js';
import type { VoiceStateRequest } from '../gateway.ts';
import { hasPermission } from '../permissions.ts';
import type { Dispatch } from '../state.ts';
import { channelPermissionsOf, findChannel, findGuild, findMember, type World } from '../world.ts';
import type { VoiceServerEmulator } from './voice-server.ts';

export class VoiceStates {
  constructor(
    private readonly world: World,
    private readonly dispatch: () => Dispatch,
    private readonly voice: () => VoiceServerEmulator | undefined,
  ) {}

  /** The server's voice states (with `guild_id`), as GUILD_CREATE and VOICE_STATE_UPDATE describe them. */
  list(guildId: string): APIVoiceState[] {
    return this.#states(guildId).map((s) => ({ ...structuredClone(s), guild_id: guildId }));
  }

  /** The voice channel a user is in on that server, or null. */
  channelOf(guildId: string, userId: string): string | null {
    return this.#states(guildId).find((s) => s.user_id === userId)?.channel_id ?? null;
  }

  /** A person joins (or moves to) a voice channel: stored, VOICE_STATE_UPDATE dispatched. */
  join(userId: string, channelId: string): void {
    const found = findChannel(this.world, channelId);
    if (!found || !found.where.voiceChannels.some((c) => c.id === channelId)) throw new Error(`${channelId} is no voice channel of the emulator`);
    const guildId = found.where.guild.id;
    if (!findMember(this.world, userId, guildId)) throw new Error(`user ${userId} is not a member of guild ${guildId}`);
    this.#set(guildId, userId, channelId, { sessionId: randomBytes(16).toString('hex'), selfMute: false, selfDeaf: false });
  }

  /** A person leaves voice on that server: VOICE_STATE_UPDATE with channel null (nothing when not in voice). */
  leave(userId: string, guildId: string): void {
    if (this.channelOf(guildId, userId) === null) return;
    this.#set(guildId, userId, null, { sessionId: randomBytes(16).toString('hex'), selfMute: false, selfDeaf: false });
  }

  /**
   * The bot's op 4. Joining needs View Channel and Connect in the channel: without them Discord sends
   * nothing back (the client waits in "signalling"), and so does the emulator, recording why.
   */
  botRequest(request: Omit<VoiceStateRequest, 'outcome' | 'reason'>): Pick<VoiceStateRequest, 'outcome' | 'reason'> {
    const voice = this.voice();
    const botId = this.world.botUser.id;
    const where = findGuild(this.world, request.guildId);
    if (!voice) return { outcome: 'refused', reason: 'voice is not emulated (start the emulator with voice: true)' };
    if (!where) return { outcome: 'refused', reason: `unknown guild ${request.guildId}` };
    const flags = { sessionId: request.sessionId, selfMute: request.selfMute, selfDeaf: request.selfDeaf };
    if (request.channelId === null) {
      this.#set(request.guildId, botId, null, flags);
      voice.leave(request.guildId);
      return { outcome: 'left' };
    }
    const channelId = request.channelId;
    if (!where.voiceChannels.some((c) => c.id === channelId)) return { outcome: 'refused', reason: `${channelId} is no voice channel of guild ${request.guildId}` };
    const held = channelPermissionsOf(this.world, botId, channelId);
    if (!hasPermission(held, PermissionFlagsBits.ViewChannel)) return { outcome: 'refused', reason: 'missing ViewChannel' };
    if (!hasPermission(held, PermissionFlagsBits.Connect)) return { outcome: 'refused', reason: 'missing Connect' };
    const previous = this.channelOf(request.guildId, botId);
    this.#set(request.guildId, botId, channelId, flags);
    const usersInChannel = this.#states(request.guildId)
      .filter((s) => s.channel_id === channelId && s.user_id !== botId)
      .map((s) => s.user_id);
    const session = voice.allocate({ guildId: request.guildId, channelId, userId: botId, sessionId: request.sessionId, usersInChannel });
    this.dispatch()(GatewayDispatchEvents.VoiceServerUpdate, { token: session.token, guild_id: request.guildId, endpoint: session.endpoint }, undefined, request.guildId);
    return { outcome: previous !== null && previous !== channelId ? 'moved' : 'joined' };
  }

  /** The bot's gateway session ended: it is out of voice wherever that session put it (its voice sessions end). */
  sessionEnded(sessionId: string): void {
    const botId = this.world.botUser.id;
    for (const { guild } of this.world.guilds) {
      const state = guild.voice_states.find((s) => s.user_id === botId && s.session_id === sessionId);
      if (!state) continue;
      this.#set(guild.id, botId, null, { sessionId, selfMute: state.self_mute, selfDeaf: state.self_deaf });
      this.voice()?.leave(guild.id, 'gateway session ended');
    }
  }

  #states(guildId: string): APIBaseVoiceState[] {
    const g = findGuild(this.world, guildId);
    if (!g) throw new Error(`no guild ${guildId} in the emulator`);
    return g.guild.voice_states;
  }

  #set(guildId: string, userId: string, channelId: string | null, flags: { sessionId: string; selfMute: boolean; selfDeaf: boolean }): void {
    const states = this.#states(guildId);
    const at = states.findIndex((s) => s.user_id === userId);
    const state: APIBaseVoiceState = {
      channel_id: channelId,
      user_id: userId,
      session_id: flags.sessionId,
      deaf: false,
      mute: false,
      self_deaf: flags.selfDeaf,
      self_mute: flags.selfMute,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
    };
    if (at >= 0) states.splice(at, 1);
    if (channelId !== null) states.push(state);
    const member = findMember(this.world, userId, guildId);
    // discord.js hands the bot's own update to @discordjs/voice only when `member` is there (or cached).
    this.dispatch()(GatewayDispatchEvents.VoiceStateUpdate, { ...state, guild_id: guildId, ...(member ? { member } : {}) }, GatewayIntentBits.GuildVoiceStates, guildId);
    if (userId !== this.world.botUser.id) {
      const botChannel = this.channelOf(guildId, this.world.botUser.id);
      this.voice()?.userMoved(guildId, userId, botChannel !== null && channelId === botChannel);
    }
  }
}
