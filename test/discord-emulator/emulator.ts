import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import {
  GatewayDispatchEvents,
  GatewayIntentBits,
  OverwriteType,
  PermissionFlagsBits,
  type APIApplicationCommand,
  type APIInteractionGuildMember,
  type APIUser,
  type APIVoiceState,
  type GatewayReadyDispatchData,
} from 'discord.js';
import { waitFor } from '../helpers/wait-for.ts';
import type { ActiveFault, FaultRule, HoldRule } from './faults.ts';
import { Gateway, GATEWAY_PATH, shardOf, type Shard } from './gateway.ts';
import { handleRequest, listen } from './http.ts';
import {
  autocompleteInteraction,
  autocompleteOptions,
  buttonInteraction,
  selectInteraction,
  chatInputInteraction,
  commandOptions,
  findComponent,
  type CommandOptionValues,
  type InteractionContext,
} from './interactions.ts';
import { commandListProblems, formErrors } from './limits.ts';
import { LOADING_FLAG, parseEmojiSegment, type StoredMessage } from './messages.ts';
import { hasPermission } from './permissions.ts';
import { appRoutes } from './routes-app.ts';
import { channelRoutes } from './routes-channels.ts';
import { interactionRoutes } from './routes-interactions.ts';
import { EmulatorState, type InteractionKind, type InteractionRecord, type RecordedCallback, type RecordedRequest } from './state.ts';
import { findChannel, findGuild, findMember, permissionsOf, type EmulatedGuild, type TeamMemberSpec } from './world.ts';
import { VoiceServerEmulator } from './voice/voice-server.ts';
import { VoiceStates } from './voice/voice-states.ts';

export interface EmulatorOptions {
  /** HELLO's heartbeat interval (Discord: ~41 s; use ~100–500 ms in tests). */
  heartbeatIntervalMs?: number;
  /** The bot token clients must use (random by default). */
  token?: string;
  /** Guild-level permissions of the bot's role (default: chat, embeds, files, reactions, Manage Messages). */
  botPermissions?: bigint;
  /** Time an interaction has for its initial callback (default 3000 ms, as on Discord). */
  interactionDeadlineMs?: number;
  /** Lifetime of an interaction token for edits and follow-ups (default 15 min). */
  interactionTokenTtlMs?: number;
  /** Per-file upload limit in bytes (default 10 MiB). */
  attachmentSizeLimit?: number;
  /** The application belongs to a team (owned by `users.owner`) with these members; default: owned by `users.owner` alone. */
  team?: readonly TeamMemberSpec[];
  /** Servers, each with one text channel and every user as a member (default 1). */
  guilds?: number;
  /** Plain members besides alice and bob (`member1`…, in `emu.members`), in every server (default 0). */
  members?: number;
  /** Shards `GET /gateway/bot` recommends (default 1); IDENTIFY must use at least this many. */
  shards?: number;
  /** `session_start_limit.max_concurrency` (default 1, as for most bots: discord.js then identifies one shard per 5 s). */
  maxConcurrency?: number;
  /**
   * Start the voice server (TLS WebSocket + UDP, `emu.voice`) so @discordjs/voice can join and play.
   * Without it, op 4 Voice State Update is recorded and refused.
   */
  voice?: boolean;
  /** The voice server's op 8 Hello heartbeat interval (Discord: 13 750 ms). */
  voiceHeartbeatIntervalMs?: number;
  /** Decode received Opus to PCM (default true); false: frames are decrypted and recorded with empty `pcm` (load runs). */
  voiceDecode?: boolean;
  /** Keep only each voice session's latest frames (between n and 2n; default all): load runs. */
  voiceKeepFrames?: number;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Said in the timeout error. */
  what?: string;
}

const DEFAULT_WAIT_MS = 5000;

/** Discord shows a command only to members holding its `default_member_permissions` ("0": administrators only). */
function mayUse(command: APIApplicationCommand, permissions: bigint): boolean {
  const required = command.default_member_permissions;
  if (required === null || required === undefined) return true;
  if (required === '0') return hasPermission(permissions, PermissionFlagsBits.Administrator);
  return hasPermission(permissions, BigInt(required));
}

/** An interaction the emulator sent, seen from the test: what the client answered and the messages it made. */
export class InteractionHandle {
  constructor(
    private readonly emulator: DiscordEmulator,
    readonly record: InteractionRecord,
  ) {}

  get id(): string {
    return this.record.id;
  }

  get kind(): InteractionKind {
    return this.record.kind;
  }

  /** The initial callback (type 4 reply, 5 defer, 6 deferred update, 7 update, 8 suggestions, 9 modal), once sent. */
  get callback(): RecordedCallback | undefined {
    return this.record.callback;
  }

  /** Waits for the initial callback. */
  waitForResponse(options: WaitOptions = {}): Promise<RecordedCallback> {
    return this.emulator.waitFor(() => this.record.callback, { what: `a response to interaction ${this.id}`, ...options });
  }

  /** The message `@original` refers to (the reply, or for 6/7 the message whose button was pressed). */
  original(): StoredMessage | undefined {
    return this.record.originalMessageId ? this.emulator.message(this.record.originalMessageId) : undefined;
  }

  /** Waits until the original response exists and satisfies `done` (default: no longer "thinking"). */
  waitForOriginal(done: (m: StoredMessage) => boolean = (m) => ((m.data.flags ?? 0) & LOADING_FLAG) === 0, options: WaitOptions = {}): Promise<StoredMessage> {
    return this.emulator.waitFor(
      () => {
        const m = this.original();
        return m && done(m) ? m : undefined;
      },
      { what: `the original response of interaction ${this.id}`, ...options },
    );
  }

  followups(): StoredMessage[] {
    return this.record.followupIds.map((id) => this.emulator.message(id)).filter((m): m is StoredMessage => m !== undefined);
  }
}

/**
 * A local Discord for end-to-end tests: REST under `/api/v10` and the gateway on one 127.0.0.1 port.
 * Point a real discord.js Client at it with `rest: { api: emu.apiUrl }` and log in with `emu.token`.
 */
export class DiscordEmulator {
  readonly token: string;
  readonly baseUrl: string;
  /** For `new Client({ rest: { api } })` / `new REST({ api })` and `DISCORD_API_URL`. */
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly gateway: Gateway;
  /** Shards `GET /gateway/bot` recommends. */
  readonly recommendedShards: number;
  readonly #state: EmulatorState;
  readonly #server: Server;
  readonly #voice: VoiceServerEmulator | undefined;
  readonly #voiceStates: VoiceStates;

  private constructor(
    token: string,
    port: number,
    server: Server,
    state: EmulatorState,
    gateway: Gateway,
    shards: number,
    voice: { server: VoiceServerEmulator | undefined; states: VoiceStates },
  ) {
    this.#voice = voice.server;
    this.#voiceStates = voice.states;
    this.token = token;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.baseUrl}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}${GATEWAY_PATH}`;
    this.#server = server;
    this.#state = state;
    this.gateway = gateway;
    this.recommendedShards = shards;
  }

  static async start(options: EmulatorOptions = {}): Promise<DiscordEmulator> {
    const token = options.token ?? `emu.${randomBytes(18).toString('base64url')}`;
    // The port is known only after listen, and the state needs the base URL for attachment links:
    // the handler reads both through this holder once they exist.
    const holder: { state?: EmulatorState; routes?: ReturnType<typeof appRoutes> } = {};
    const { server, port } = await listen((req, res) => {
      if (!holder.state || !holder.routes) {
        res.writeHead(503).end();
        return;
      }
      handleRequest(holder.state, holder.routes, token, req, res).catch((err: unknown) => {
        // e.g. the client went away mid-body: answer if still possible, never crash the test process.
        console.error('[discord-emulator] request failed', req.method, req.url, err);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const state = new EmulatorState({
      baseUrl,
      ...(options.botPermissions !== undefined ? { botPermissions: options.botPermissions } : {}),
      interactionDeadlineMs: options.interactionDeadlineMs ?? 3000,
      interactionTokenTtlMs: options.interactionTokenTtlMs ?? 15 * 60_000,
      attachmentSizeLimit: options.attachmentSizeLimit ?? 10 * 1024 * 1024,
      ...(options.team ? { team: options.team } : {}),
      size: { guilds: options.guilds ?? 1, members: options.members ?? 0 },
    });
    const { world } = state;
    const shards = options.shards ?? 1;
    const voiceServer = options.voice
      ? await VoiceServerEmulator.start({
          ...(options.voiceHeartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: options.voiceHeartbeatIntervalMs } : {}),
          ...(options.voiceDecode !== undefined ? { decode: options.voiceDecode } : {}),
          ...(options.voiceKeepFrames !== undefined ? { keepFrames: options.voiceKeepFrames } : {}),
        })
      : undefined;
    const voiceStates = new VoiceStates(world, () => state.dispatch, () => voiceServer);
    const gateway = new Gateway({
      token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      recommendedShards: shards,
      guildIds: () => world.guilds.map((g) => g.guild.id),
      baseWsUrl: () => `ws://127.0.0.1:${port}`,
      members: (guildId) => findGuild(world, guildId)?.guild.members ?? [],
      guildCreate: (guildId) => structuredClone(findGuild(world, guildId)?.guild),
      ready: (sessionId, resumeUrl, shard, guildIds): GatewayReadyDispatchData => ({
        v: 10,
        user: world.botUser,
        guilds: guildIds.map((id) => ({ id, unavailable: true })),
        session_id: sessionId,
        resume_gateway_url: resumeUrl,
        shard,
        application: { id: world.application.id, flags: world.application.flags, flags_new: String(world.application.flags) },
      }),
      voiceStateUpdate: (request) => voiceStates.botRequest(request),
      sessionEnded: (sessionId) => voiceStates.sessionEnded(sessionId),
    });
    state.dispatch = (event, data, intent, guildId) => void gateway.dispatch(event, data, intent, guildId);
    server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
    holder.state = state;
    holder.routes = [
      ...appRoutes(state, { url: () => `ws://127.0.0.1:${port}${GATEWAY_PATH}`, shards, maxConcurrency: options.maxConcurrency ?? 1 }),
      ...interactionRoutes(state),
      ...channelRoutes(state),
    ];
    return new DiscordEmulator(token, port, server, state, gateway, shards, { server: voiceServer, states: voiceStates });
  }

  // ---- the world ------------------------------------------------------------------------------

  get applicationId(): string {
    return this.#state.world.application.id;
  }
  get botUser(): APIUser {
    return this.#state.world.botUser;
  }
  /** The first server (`guilds[0]`). */
  get guild() {
    return this.#state.world.guild;
  }
  /** Every server with its channel and roles (option `guilds`); the first is `guild`. */
  get guilds(): readonly EmulatedGuild[] {
    return this.#state.world.guilds;
  }
  /** The plain members beyond alice and bob (option `members`), in every server. */
  get members(): readonly APIUser[] {
    return this.#state.world.members;
  }
  /** The shard that receives a server's events with `shardCount` shards (default: the recommended count). */
  shardOf(guildId: string, shardCount: number = this.recommendedShards): number {
    return shardOf(guildId, shardCount);
  }
  get channel() {
    return this.#state.world.channel;
  }
  /** alice and bob (plain members), admin (the server's owner, Administrator role) and owner (the application's owner, Administrator role). */
  get users() {
    return this.#state.world.users;
  }
  /** The team that owns the application (null: `users.owner` owns it). */
  get team() {
    return this.#state.world.application.team;
  }
  get roles() {
    return this.#state.world.roles;
  }
  /** The first server's first voice channel (each server has two: `guilds[i].voiceChannels`). */
  get voiceChannel() {
    return this.#state.world.guilds[0]!.voiceChannels[0]!;
  }

  // ---- voice ----------------------------------------------------------------------------------

  /** The voice server (start the emulator with `voice: true`): sessions, received frames, drops. See voice/voice-server.ts. */
  get voice(): VoiceServerEmulator {
    if (!this.#voice) throw new Error('the voice server is off: start the emulator with DiscordEmulator.start({ voice: true })');
    return this.#voice;
  }

  /** A server's voice states (the first server by default), bot included, as the gateway describes them. */
  voiceStates(guildId: string = this.guild.id): APIVoiceState[] {
    return this.#voiceStates.list(this.#guild(guildId).guild.id);
  }

  /** The voice channel the bot is in on a server (the first by default), or null. */
  botVoiceChannel(guildId: string = this.guild.id): string | null {
    return this.#voiceStates.channelOf(this.#guild(guildId).guild.id, this.botUser.id);
  }

  /**
   * A person joins (or moves to) a voice channel: stored (GUILD_CREATE carries it from then on) and
   * VOICE_STATE_UPDATE dispatched to sessions with the GuildVoiceStates intent. `guild`, if given, must be the channel's.
   */
  async joinVoice(input: { user: APIUser; channelId: string; guild?: string }): Promise<void> {
    const found = findChannel(this.#state.world, input.channelId);
    if (!found) throw new Error(`no channel ${input.channelId} in the emulator`);
    if (input.guild !== undefined && input.guild !== found.where.guild.id) throw new Error(`channel ${input.channelId} is not in guild ${input.guild}`);
    this.#voiceStates.join(input.user.id, input.channelId);
  }

  /** A person leaves voice on a server (the first by default): VOICE_STATE_UPDATE with channel null. */
  async leaveVoice(input: { user: APIUser; guild?: string }): Promise<void> {
    this.#voiceStates.leave(input.user.id, this.#guild(input.guild).guild.id);
  }

  /**
   * Sets a channel's permission overwrite for the bot's member (`target: 'bot'`, default), the bot's
   * role (`'botRole'`) or @everyone (`'everyone'`), replacing that target's earlier overwrite, and
   * dispatches CHANNEL_UPDATE so discord.js's `channel.permissionsFor(guild.members.me)` sees it.
   * Bits as a bigint or as PermissionFlagsBits names (`['Connect']`).
   */
  setChannelPermissions(input: {
    channelId: string;
    deny?: bigint | readonly (keyof typeof PermissionFlagsBits)[];
    allow?: bigint | readonly (keyof typeof PermissionFlagsBits)[];
    target?: 'bot' | 'botRole' | 'everyone';
  }): void {
    const found = findChannel(this.#state.world, input.channelId);
    if (!found) throw new Error(`no channel ${input.channelId} in the emulator`);
    const { where, channel } = found;
    const target = input.target ?? 'bot';
    const id = target === 'bot' ? this.botUser.id : target === 'botRole' ? where.roles.bot.id : where.guild.id;
    const type = target === 'bot' ? OverwriteType.Member : OverwriteType.Role;
    const bits = (v: bigint | readonly (keyof typeof PermissionFlagsBits)[] | undefined) =>
      typeof v === 'bigint' ? v : (v ?? []).reduce((all, name) => all | PermissionFlagsBits[name], 0n);
    const overwrites = (channel.permission_overwrites ?? []).filter((o) => o.id !== id);
    overwrites.push({ id, type, allow: bits(input.allow).toString(), deny: bits(input.deny).toString() });
    channel.permission_overwrites = overwrites;
    // The guild's channel list holds the same objects, so GUILD_CREATE and REST see the change too.
    this.#state.dispatch(GatewayDispatchEvents.ChannelUpdate, structuredClone(channel), GatewayIntentBits.Guilds, where.guild.id);
  }

  // ---- what the client did --------------------------------------------------------------------

  /** Every HTTP request, in arrival order, with the status it got. */
  get requests(): readonly RecordedRequest[] {
    return this.#state.requests;
  }

  /** Requests no route knew (404 with `route: null`): what the client tried that the emulator lacks. */
  get unhandledRequests(): RecordedRequest[] {
    return this.#state.requests.filter((r) => r.route === null);
  }

  /** Messages that exist (not deleted), oldest first. */
  get messages(): StoredMessage[] {
    return [...this.#state.messages.values()].filter((m) => !m.deleted);
  }

  message(id: string): StoredMessage | undefined {
    return this.#state.message(id);
  }

  /** Registered commands, global and guild. */
  get commands(): APIApplicationCommand[] {
    return [...this.#state.commands.values()];
  }

  /** Who reacted with what: emoji key (unicode, or `name:id`) → user ids in order. */
  reactionsOn(messageId: string): Record<string, string[]> {
    const m = this.#require(messageId);
    return Object.fromEntries([...m.reactions].map(([key, r]) => [key, [...r.userIds]]));
  }

  /** Times of the heartbeats (op 1) received, across connections. */
  get heartbeats(): readonly number[] {
    return this.gateway.heartbeats;
  }

  // ---- faults ---------------------------------------------------------------------------------

  /** The next `times` requests matching method+path get `status` (429 by default, with Discord's rate-limit headers and body). */
  failNext(rule: FaultRule): ActiveFault {
    return this.#state.faults.add(rule);
  }

  /** The next `times` requests matching method+path wait `delayMs`, then are served normally. */
  delayNext(rule: Omit<FaultRule, 'status' | 'retryAfterSec' | 'global' | 'scope'> & { delayMs: number }): ActiveFault {
    return this.#state.faults.add(rule);
  }

  /**
   * The next `times` requests matching method+path wait until `release()`, then are served
   * normally; `hits` counts those that arrived. Keeps a bot's request in flight for as long as a
   * test needs, without guessing a delay.
   */
  holdNext(rule: HoldRule): ActiveFault & { release(): void } {
    return this.#hold(rule, 'until');
  }

  /**
   * Serves the next matching request at once (the edit is stored and dispatched, as Discord does)
   * but holds its answer until `release()`: the bot's `await` is still pending while users see the change.
   */
  holdAnswerNext(rule: HoldRule): ActiveFault & { release(): void } {
    return this.#hold(rule, 'answerAfter');
  }

  #hold(rule: HoldRule, when: 'until' | 'answerAfter'): ActiveFault & { release(): void } {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    return Object.assign(this.#state.faults.add({ ...rule, [when]: held }), { release });
  }

  /** Closes every gateway connection (code 4000 by default; see Gateway.drop). */
  dropGateway(options: { code?: number; terminate?: boolean; invalidateSession?: boolean } = {}): void {
    this.gateway.drop(options);
  }

  // ---- acting as Discord's users --------------------------------------------------------------

  /** Registers commands as a bulk overwrite would: global, for the first guild with `guild: true`, or for the guild with that id. */
  setCommands(definitions: Record<string, unknown>[], options: { guild?: boolean | string } = {}): APIApplicationCommand[] {
    const problems = commandListProblems(definitions);
    if (problems.length) throw new Error(`invalid command definitions: ${JSON.stringify(formErrors(problems))}`);
    const guildId = options.guild === true ? this.guild.id : options.guild || undefined;
    return this.#state.overwriteCommands(definitions, guildId);
  }

  /**
   * Who runs which registered command where, checked as Discord's client would: the command must
   * be registered for that server and the invoker allowed by its default_member_permissions.
   */
  #invocation(input: { name: string; user?: APIUser; memberPermissions?: bigint; guild?: string }) {
    const where = this.#guild(input.guild);
    const command = this.#state.findCommand(input.name, where.guild.id);
    if (!command) {
      throw new Error(`/${input.name} is not registered: deploy it (PUT .../commands) or call emu.setCommands() first`);
    }
    const user = input.user ?? this.users.alice;
    const ctx = this.#context(user, input.memberPermissions, where);
    if (!mayUse(command, BigInt(ctx.member.permissions))) {
      throw new Error(`${user.username} lacks /${command.name}'s default_member_permissions (${String(command.default_member_permissions)}): Discord would not offer the command`);
    }
    return { where, command, user, ctx };
  }

  /**
   * A person runs a registered slash command in a server (the first by default; `guild` is a guild id):
   * dispatches INTERACTION_CREATE (type 2) on the shard that owns the server. Option values are
   * checked against the registration, like Discord's client would. `memberPermissions` overrides the
   * invoker's computed permissions in the payload.
   */
  async sendCommand(input: {
    name: string;
    options?: CommandOptionValues;
    subcommand?: string;
    user?: APIUser;
    memberPermissions?: bigint;
    guild?: string;
  }): Promise<InteractionHandle> {
    const { where, command, user, ctx } = this.#invocation(input);
    const { world } = this.#state;
    const { options, resolved } = commandOptions(command, input.options ?? {}, input.subcommand, {
      users: [world.botUser, ...Object.values(world.users), ...world.members],
      members: where.guild.members,
      channels: [where.channel],
      roles: where.guild.roles,
      permissionsOf: (id) => permissionsOf(world, id, where.guild.id),
      invokerId: user.id,
    });
    return this.#dispatchInteraction('command', chatInputInteraction(ctx, command, options, resolved), { userId: user.id, commandName: command.name });
  }

  /**
   * A person types into a command option declared with autocomplete: dispatches INTERACTION_CREATE
   * (type 4) with `value` focused. The client answers with suggestions (callback type 8, `data.choices`).
   */
  async sendAutocomplete(input: {
    name: string;
    option: string;
    value: string;
    options?: CommandOptionValues;
    user?: APIUser;
    memberPermissions?: bigint;
    guild?: string;
  }): Promise<InteractionHandle> {
    const { command, user, ctx } = this.#invocation(input);
    const options = autocompleteOptions(command, input.option, input.value, input.options);
    return this.#dispatchInteraction('autocomplete', autocompleteInteraction(ctx, command, options), { userId: user.id, commandName: command.name });
  }

  /** A person presses a button on a message: dispatches INTERACTION_CREATE (type 3) with the message. */
  async clickButton(input: { messageId: string; customId: string; user?: APIUser; memberPermissions?: bigint }): Promise<InteractionHandle> {
    const m = this.#require(input.messageId);
    const component = findComponent(m.data.components, input.customId);
    if (!component || component.type !== 2) throw new Error(`message ${m.id} has no button with custom_id "${input.customId}"`);
    if (component.disabled === true) throw new Error(`button "${input.customId}" on message ${m.id} is disabled`);
    const user = input.user ?? this.users.alice;
    const ctx = this.#context(user, input.memberPermissions, this.#state.requireChannel(m.channelId));
    return this.#dispatchInteraction('component', buttonInteraction(ctx, this.#state.render(m), input.customId), { userId: user.id, sourceMessageId: m.id });
  }

  /**
   * A person picks `values` in a string select menu: INTERACTION_CREATE type 3 carrying the
   * message. The menu must exist and be enabled, the values must be its options, and their number
   * within its min_values..max_values (default 1..1).
   */
  async selectMenu(input: { messageId: string; customId: string; values: string[]; user?: APIUser; memberPermissions?: bigint }): Promise<InteractionHandle> {
    const m = this.#require(input.messageId);
    const menu = findComponent(m.data.components, input.customId);
    if (!menu || menu.type !== 3) throw new Error(`message ${m.id} has no string select with custom_id "${input.customId}"`);
    if (menu.disabled === true) throw new Error(`select "${input.customId}" on message ${m.id} is disabled`);
    const offered = new Set(((menu.options ?? []) as { value: string }[]).map((o) => o.value));
    const unknown = input.values.filter((v) => !offered.has(v));
    if (unknown.length) throw new Error(`select "${input.customId}" offers no ${unknown.join(', ')}`);
    const min = typeof menu.min_values === 'number' ? menu.min_values : 1;
    const max = typeof menu.max_values === 'number' ? menu.max_values : 1;
    if (input.values.length < min || input.values.length > max) throw new Error(`select "${input.customId}" takes ${min}..${max} values, not ${input.values.length}`);
    const user = input.user ?? this.users.alice;
    const ctx = this.#context(user, input.memberPermissions, this.#state.requireChannel(m.channelId));
    return this.#dispatchInteraction('component', selectInteraction(ctx, this.#state.render(m), input.customId, input.values), { userId: user.id, sourceMessageId: m.id });
  }

  /** A person reacts: stores it and dispatches MESSAGE_REACTION_ADD (to sessions with a reactions intent). */
  async addReaction(input: { messageId: string; emoji: string; user?: APIUser }): Promise<void> {
    const m = this.#require(input.messageId);
    if (m.ephemeral) throw new Error(`message ${m.id} is ephemeral: nobody can react to it`);
    this.#state.addReaction(m, (input.user ?? this.users.alice).id, parseEmojiSegment(input.emoji));
  }

  /** A person takes their reaction back: dispatches MESSAGE_REACTION_REMOVE. */
  async removeReaction(input: { messageId: string; emoji: string; user?: APIUser }): Promise<void> {
    this.#state.removeReaction(this.#require(input.messageId), (input.user ?? this.users.alice).id, parseEmojiSegment(input.emoji));
  }

  /** A person writes in a server's channel (the first server by default): stores the message and dispatches MESSAGE_CREATE. */
  async postMessage(input: { content: string; user?: APIUser; guild?: string }): Promise<StoredMessage> {
    const channelId = this.#guild(input.guild).channel.id;
    return this.#state.createMessage({ channelId, authorId: (input.user ?? this.users.alice).id, body: { content: input.content }, files: [] });
  }

  /** Polls until `check` returns something truthy and returns it; the error lists the last requests. */
  waitFor<T>(check: () => T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
    return waitFor(check, { what: options.what ?? 'condition', timeoutMs: options.timeoutMs ?? DEFAULT_WAIT_MS, detail: () => this.#recentRequests() });
  }

  /** Waits until a client has a live gateway session (identified or resumed on an open socket). */
  waitForGateway(options: WaitOptions = {}): Promise<true> {
    return this.waitFor(() => this.gateway.connected, { what: 'a connected gateway session', ...options });
  }

  /** Waits until live sessions cover these shard ids (of any count). */
  waitForShards(ids: readonly number[], options: WaitOptions = {}): Promise<Shard[]> {
    return this.waitFor(
      () => {
        const live = this.gateway.liveShards;
        return ids.every((id) => live.some(([s]) => s === id)) ? live : undefined;
      },
      { what: `live sessions on shards ${ids.join(', ')}`, ...options },
    );
  }

  /** Calls `listener` each time an interaction gets its answer (`record.answeredAt`); returns the unsubscribe. */
  onAnswered(listener: (record: InteractionRecord) => void): () => void {
    this.#state.events.on('answered', listener);
    return () => this.#state.events.off('answered', listener);
  }

  async close(): Promise<void> {
    await this.#voice?.close();
    await this.gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ---- internals ------------------------------------------------------------------------------

  #require(messageId: string): StoredMessage {
    const m = this.#state.message(messageId);
    if (!m) throw new Error(`no message ${messageId} in the emulator`);
    return m;
  }

  /** A server by id, or the first one. */
  #guild(guildId: string | undefined): EmulatedGuild {
    if (guildId === undefined) return this.#state.world.guilds[0]!;
    const g = findGuild(this.#state.world, guildId);
    if (!g) throw new Error(`no guild ${guildId} in the emulator (it has ${this.guilds.length}: see emu.guilds)`);
    return g;
  }

  #context(user: APIUser, memberPermissions: bigint | undefined, where: EmulatedGuild): InteractionContext {
    const { world } = this.#state;
    const guildId = where.guild.id;
    const member = findMember(world, user.id, guildId);
    if (!member) throw new Error(`${user.username} is not a member of the emulated guild ${guildId}`);
    const full: APIInteractionGuildMember = {
      ...member,
      user,
      permissions: (memberPermissions ?? permissionsOf(world, user.id, guildId)).toString(),
    };
    return {
      id: this.#state.ids.next(),
      token: `ix.${randomBytes(24).toString('base64url')}`,
      applicationId: world.application.id,
      guildId,
      channel: where.channel,
      member: full,
      appPermissions: this.#state.botPermissions(guildId),
      attachmentSizeLimit: this.#state.options.attachmentSizeLimit,
    };
  }

  async #dispatchInteraction(
    kind: InteractionKind,
    payload: InteractionRecord['payload'],
    extra: { userId: string; commandName?: string; sourceMessageId?: string },
  ): Promise<InteractionHandle> {
    const guildId = payload.guild_id!;
    if (!this.gateway.hasSessionFor(guildId)) {
      throw new Error(`no gateway session for shard ${this.shardOf(guildId)} (guild ${guildId}): log a client in on that shard before sending interactions`);
    }
    const record: InteractionRecord = {
      id: payload.id,
      token: payload.token,
      kind,
      payload,
      createdAt: Date.now(),
      userId: extra.userId,
      guildId,
      channelId: payload.channel!.id,
      followupIds: [],
      ...(extra.commandName ? { commandName: extra.commandName } : {}),
      ...(extra.sourceMessageId ? { sourceMessageId: extra.sourceMessageId } : {}),
    };
    this.#state.interactions.set(record.id, record);
    const shards = this.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload, undefined, guildId);
    if (shards[0] !== undefined) record.shard = shards[0];
    return new InteractionHandle(this, record);
  }

  #recentRequests(): string {
    const last = this.#state.requests.slice(-8);
    if (!last.length) return 'no REST requests were made';
    return `last requests:\n${last.map((r) => `  ${r.method} ${r.path} → ${r.status}${r.route ? '' : ' (unknown route)'}`).join('\n')}`;
  }
}
