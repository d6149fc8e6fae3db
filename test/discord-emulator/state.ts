import { EventEmitter } from 'node:events';
import {
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionResponseType,
  InteractionType,
  MessageType,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  type APIApplicationCommand,
  type APIInteraction,
  type APIMessage,
  type APIPartialEmoji,
} from 'discord.js';
import { FaultList } from './faults.ts';
import { autocompleteProblems, formErrors, isEmptyMessage, messageProblems, type FormProblem } from './limits.ts';
import {
  LOADING_FLAG,
  buildMessage,
  editMessage,
  emojiKey,
  isEphemeral,
  renderMessage,
  resolveAttachments,
  type StoredMessage,
  type UploadedFile,
} from './messages.ts';
import { hasPermission } from './permissions.ts';
import { SnowflakeGenerator } from './snowflake.ts';
import { channelPermissionsOf, createWorld, findMember, findUser, guildOfChannel, permissionsOf, type EmulatedGuild, type TeamMemberSpec, type World, type WorldSize } from './world.ts';

type Json = Record<string, unknown>;

/** An error the REST API answers with: Discord's `{message, code}` body (plus `errors` for form errors). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Json,
  ) {
    super(message);
  }

  static form(problems: readonly FormProblem[]): ApiError {
    return new ApiError(400, 50035, 'Invalid Form Body', formErrors(problems));
  }
}

/** One REST request as the emulator saw it, with what it answered. */
export interface RecordedRequest {
  at: number;
  method: string;
  /** Path under `/api/v10` (or the raw path for non-API URLs), without the query. */
  path: string;
  query: Record<string, string>;
  /** The route template that served it (`/channels/:channel/messages/:message`), null when unknown. */
  route: string | null;
  headers: Record<string, string>;
  /** Parsed JSON body, or `payload_json` of a multipart body. */
  body: unknown;
  files: UploadedFile[];
  status: number;
}

export type InteractionKind = 'command' | 'component' | 'autocomplete';

/** A callback (initial response) an interaction received. */
export interface RecordedCallback {
  type: InteractionResponseType;
  data: unknown;
  files: UploadedFile[];
  at: number;
}

/** An interaction the emulator dispatched, and what the client did with it. */
export interface InteractionRecord {
  id: string;
  token: string;
  kind: InteractionKind;
  payload: APIInteraction;
  createdAt: number;
  userId: string;
  guildId: string;
  channelId: string;
  /** The shard whose session the interaction was dispatched to. */
  shard?: number;
  /**
   * When the person saw an answer: a message response, the deferred "thinking" reply filled in,
   * or a follow-up (e.g. a private error after the thinking reply was deleted).
   */
  answeredAt?: number;
  /** For a component interaction: the message whose button was pressed. */
  sourceMessageId?: string;
  commandName?: string;
  callback?: RecordedCallback;
  /** The message `@original` refers to once there is one. */
  originalMessageId?: string;
  followupIds: string[];
}

export interface StateOptions {
  baseUrl: string;
  botPermissions?: bigint;
  /** Time to send the initial callback (Discord: 3 s). */
  interactionDeadlineMs: number;
  /** Lifetime of an interaction token for edits and follow-ups (Discord: 15 min). */
  interactionTokenTtlMs: number;
  /** Per-file upload limit in bytes (Discord's default: 10 MiB). */
  attachmentSizeLimit: number;
  /** The application belongs to a team with these members (else to `users.owner`). */
  team?: readonly TeamMemberSpec[];
  /** More servers and members than the default one server with four people. */
  size?: WorldSize;
}

/** A gateway event about a server, to send on the shard that owns it; `intent` is the intent a session needs to receive it. */
export type Dispatch = (event: GatewayDispatchEvents, data: unknown, intent: GatewayIntentBits | undefined, guildId: string) => void;

// Unicode emoji a person could react with: pictographs, flags, keycaps, joined by ZWJ or VS16.
const UNICODE_EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|\uFE0F|\u200D|\u20E3|[#*0-9])+$/u;
const EMOJI_CORE = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;
const MAX_REACTION_EMOJIS = 20;

/**
 * Everything the emulated Discord knows, and the operations that change it. REST routes and the
 * test-facing API both go through these methods, so a bot's reaction and a test's reaction take the
 * same path (store, then gateway event).
 */
export class EmulatorState {
  readonly ids = new SnowflakeGenerator();
  readonly world: World;
  readonly commands = new Map<string, APIApplicationCommand>();
  readonly messages = new Map<string, StoredMessage>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly requests: RecordedRequest[] = [];
  readonly faults = new FaultList();
  /** `answered` (InteractionRecord): an interaction got its answer (see `answeredAt`). */
  readonly events = new EventEmitter();
  dispatch: Dispatch = () => {};

  constructor(readonly options: StateOptions) {
    this.world = createWorld(this.ids, options.botPermissions, options.team, options.size);
    this.events.setMaxListeners(0);
  }

  get botId(): string {
    return this.world.botUser.id;
  }

  /** The bot's permissions in a server (the first by default). */
  botPermissions(guildId: string = this.world.guild.id): bigint {
    return permissionsOf(this.world, this.botId, guildId);
  }

  /**
   * Refuses (403) unless the bot holds `bit` in `channelId` (its server's permissions with the channel's
   * overwrites), or in the first server when no channel is named.
   */
  requireBotPermission(bit: bigint, channelId?: string): void {
    const held = channelId === undefined ? this.botPermissions() : (this.requireChannel(channelId), channelPermissionsOf(this.world, this.botId, channelId));
    if (!hasPermission(held, bit)) throw new ApiError(403, RESTJSONErrorCodes.MissingPermissions, 'Missing Permissions');
  }

  // ---- commands -------------------------------------------------------------------------------

  /** Replaces the global (guildId undefined) or one guild's commands, keeping ids of same-named ones. */
  overwriteCommands(definitions: Json[], guildId: string | undefined): APIApplicationCommand[] {
    const scope = [...this.commands.values()].filter((c) => c.guild_id === guildId);
    for (const c of scope) this.commands.delete(c.id);
    return definitions.map((d) => {
      const old = scope.find((c) => c.name === d.name && (c.type ?? 1) === (d.type ?? 1));
      return this.saveCommand(d, guildId, old?.id);
    });
  }

  saveCommand(d: Json, guildId: string | undefined, id: string = this.ids.next()): APIApplicationCommand {
    const command = {
      id,
      application_id: this.world.application.id,
      version: this.ids.next(),
      type: 1,
      description: '',
      default_member_permissions: null,
      nsfw: false,
      integration_types: [0],
      contexts: null,
      ...d,
      ...(guildId ? { guild_id: guildId } : {}),
    } as APIApplicationCommand;
    this.commands.set(id, command);
    return command;
  }

  commandList(guildId: string | undefined): APIApplicationCommand[] {
    return [...this.commands.values()].filter((c) => c.guild_id === guildId);
  }

  /** A chat-input command by name, as a server sees it: its own registration wins over the global one, as in clients. */
  findCommand(name: string, guildId: string = this.world.guild.id): APIApplicationCommand | undefined {
    const all = [...this.commands.values()].filter((c) => c.name === name && (c.type ?? 1) === 1);
    return all.find((c) => c.guild_id === guildId) ?? all.find((c) => c.guild_id === undefined);
  }

  // ---- messages -------------------------------------------------------------------------------

  message(id: string): StoredMessage | undefined {
    const m = this.messages.get(id);
    return m && !m.deleted ? m : undefined;
  }

  /** A message the channel endpoints can see: existing, in that channel, not ephemeral. */
  channelMessage(channelId: string, messageId: string): StoredMessage {
    this.requireChannel(channelId);
    const m = this.message(messageId);
    if (!m || m.channelId !== channelId || m.ephemeral) throw new ApiError(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message');
    return m;
  }

  /** The server of a channel; 404 Unknown Channel for any other id. */
  requireChannel(channelId: string): EmulatedGuild {
    const g = guildOfChannel(this.world, channelId);
    if (!g) throw new ApiError(404, RESTJSONErrorCodes.UnknownChannel, 'Unknown Channel');
    return g;
  }

  render(m: StoredMessage): APIMessage {
    return renderMessage(m, this.botId);
  }

  checkUploads(files: readonly UploadedFile[]): void {
    const tooBig = files.find((f) => f.bytes.length > this.options.attachmentSizeLimit);
    if (tooBig) throw new ApiError(413, RESTJSONErrorCodes.RequestEntityTooLarge, 'Request entity too large');
  }

  /** Stores a new message after Discord's checks, and announces it on the gateway unless ephemeral. */
  createMessage(input: {
    channelId: string;
    authorId: string;
    body: Json;
    files: UploadedFile[];
    type?: MessageType;
    interaction?: InteractionRecord;
    extraFlags?: number;
    allowEmpty?: boolean;
  }): StoredMessage {
    const { body, files } = input;
    const problems = messageProblems(body);
    if (problems.length) throw ApiError.form(problems);
    if (!input.allowEmpty && isEmptyMessage(body, files.length)) {
      throw new ApiError(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message');
    }
    this.checkUploads(files);
    const attachments = resolveAttachments(body.attachments, files, [], () => this.ids.next());
    if (!attachments.ok) throw ApiError.form(attachments.problems);
    const author = findUser(this.world, input.authorId);
    if (!author) throw new Error(`no emulated user ${input.authorId}`);
    const ix = input.interaction;
    const id = this.ids.next();
    const data = buildMessage({
      id,
      channelId: input.channelId,
      author,
      body,
      attachments: attachments.attachments,
      type: input.type ?? MessageType.Default,
      now: new Date(),
      baseUrl: this.options.baseUrl,
      ...(ix ? { applicationId: this.world.application.id, ...interactionFields(ix) } : {}),
      ...(input.extraFlags ? { extraFlags: input.extraFlags } : {}),
    });
    const stored: StoredMessage = {
      id,
      channelId: input.channelId,
      ephemeral: isEphemeral(data),
      data,
      attachments: attachments.attachments,
      reactions: new Map(),
      versions: [],
      deleted: false,
      ...(ix ? { interactionId: ix.id } : {}),
    };
    this.messages.set(id, stored);
    this.requireChannel(input.channelId).channel.last_message_id = id;
    if (!stored.ephemeral) this.dispatchMessage(GatewayDispatchEvents.MessageCreate, stored);
    return stored;
  }

  /** Applies an edit body (and uploads) to a message, keeping the previous state in `versions`. */
  editMessage(m: StoredMessage, body: Json, files: UploadedFile[]): StoredMessage {
    const problems = messageProblems(body);
    if (problems.length) throw ApiError.form(problems);
    this.checkUploads(files);
    const attachments = resolveAttachments(body.attachments, files, m.attachments, () => this.ids.next());
    if (!attachments.ok) throw ApiError.form(attachments.problems);
    const wasLoading = ((m.data.flags ?? 0) & LOADING_FLAG) !== 0;
    m.versions.push(m.data);
    m.data = editMessage(m.data, body, attachments.attachments, new Date(), this.options.baseUrl);
    m.attachments = attachments.attachments;
    if (wasLoading && ((m.data.flags ?? 0) & LOADING_FLAG) === 0 && m.interactionId) this.#answered(this.interactions.get(m.interactionId));
    if (!m.ephemeral) this.dispatchMessage(GatewayDispatchEvents.MessageUpdate, m);
    return m;
  }

  deleteMessage(m: StoredMessage): void {
    m.deleted = true;
    if (!m.ephemeral) {
      const guildId = this.#guildIdOf(m);
      this.dispatch(GatewayDispatchEvents.MessageDelete, { id: m.id, channel_id: m.channelId, guild_id: guildId }, GatewayIntentBits.GuildMessages, guildId);
    }
  }

  #guildIdOf(m: StoredMessage): string {
    return this.requireChannel(m.channelId).guild.id;
  }

  private dispatchMessage(event: GatewayDispatchEvents, m: StoredMessage): void {
    const guildId = this.#guildIdOf(m);
    const member = findMember(this.world, m.data.author.id, guildId);
    const { user: _user, ...memberNoUser } = member ?? { user: undefined };
    this.dispatch(
      event,
      { ...this.render(m), guild_id: guildId, ...(member ? { member: memberNoUser } : {}) },
      GatewayIntentBits.GuildMessages,
      guildId,
    );
  }

  // ---- reactions ------------------------------------------------------------------------------

  /** Checks an emoji a client reacts with: any real unicode emoji; custom ones must exist (none do here). */
  checkEmoji(emoji: APIPartialEmoji): void {
    const name = emoji.name ?? '';
    if (emoji.id || !UNICODE_EMOJI.test(name) || !EMOJI_CORE.test(name)) {
      throw new ApiError(400, RESTJSONErrorCodes.UnknownEmoji, 'Unknown Emoji');
    }
  }

  /** Adds a reaction (idempotent, like Discord) and sends MESSAGE_REACTION_ADD when it is new. */
  addReaction(m: StoredMessage, userId: string, emoji: APIPartialEmoji): void {
    const key = emojiKey(emoji);
    let r = m.reactions.get(key);
    if (!r) {
      if (m.reactions.size >= MAX_REACTION_EMOJIS) {
        throw new ApiError(400, RESTJSONErrorCodes.MaximumNumberOfReactionsReached, `Maximum number of reactions reached (${MAX_REACTION_EMOJIS})`);
      }
      r = { emoji, userIds: [] };
      m.reactions.set(key, r);
    }
    if (r.userIds.includes(userId)) return;
    r.userIds.push(userId);
    const guildId = this.#guildIdOf(m);
    this.dispatch(
      GatewayDispatchEvents.MessageReactionAdd,
      {
        user_id: userId,
        channel_id: m.channelId,
        message_id: m.id,
        guild_id: guildId,
        member: findMember(this.world, userId, guildId),
        emoji: { id: emoji.id, name: emoji.name, ...(emoji.animated ? { animated: true } : {}) },
        message_author_id: m.data.author.id,
        burst: false,
        burst_colors: [],
        type: 0,
      },
      GatewayIntentBits.GuildMessageReactions,
      guildId,
    );
  }

  /** Removes one user's reaction (a no-op when absent, like Discord) and sends MESSAGE_REACTION_REMOVE. */
  removeReaction(m: StoredMessage, userId: string, emoji: APIPartialEmoji): void {
    const key = emojiKey(emoji);
    const r = m.reactions.get(key);
    if (!r || !r.userIds.includes(userId)) return;
    r.userIds = r.userIds.filter((u) => u !== userId);
    if (r.userIds.length === 0) m.reactions.delete(key);
    const guildId = this.#guildIdOf(m);
    this.dispatch(
      GatewayDispatchEvents.MessageReactionRemove,
      { user_id: userId, channel_id: m.channelId, message_id: m.id, guild_id: guildId, emoji: r.emoji, burst: false, type: 0 },
      GatewayIntentBits.GuildMessageReactions,
      guildId,
    );
  }

  /** Removes all reactions, or all of one emoji. */
  clearReactions(m: StoredMessage, emoji?: APIPartialEmoji): void {
    const guildId = this.#guildIdOf(m);
    const base = { channel_id: m.channelId, message_id: m.id, guild_id: guildId };
    if (emoji) {
      const r = m.reactions.get(emojiKey(emoji));
      if (!r) return;
      m.reactions.delete(emojiKey(emoji));
      this.dispatch(GatewayDispatchEvents.MessageReactionRemoveEmoji, { ...base, emoji: r.emoji }, GatewayIntentBits.GuildMessageReactions, guildId);
      return;
    }
    m.reactions.clear();
    this.dispatch(GatewayDispatchEvents.MessageReactionRemoveAll, base, GatewayIntentBits.GuildMessageReactions, guildId);
  }

  // ---- interactions ---------------------------------------------------------------------------

  interactionByToken(applicationId: string, token: string): InteractionRecord {
    const ix = [...this.interactions.values()].find((i) => i.token === token);
    if (applicationId !== this.world.application.id || !ix) throw new ApiError(404, RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook');
    if (Date.now() - ix.createdAt > this.options.interactionTokenTtlMs) {
      throw new ApiError(401, RESTJSONErrorCodes.InvalidWebhookToken, 'Invalid Webhook Token');
    }
    return ix;
  }

  /**
   * The initial response to an interaction (POST /interactions/:id/:token/callback): at most one, within
   * the deadline. Returns the message it created or updated, if any.
   */
  respond(ix: InteractionRecord, type: InteractionResponseType, data: Json, files: UploadedFile[]): StoredMessage | undefined {
    if (ix.callback) throw new ApiError(400, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged, 'Interaction has already been acknowledged.');
    if (Date.now() - ix.createdAt > this.options.interactionDeadlineMs) {
      throw new ApiError(404, RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction');
    }
    try {
      return this.#respond(ix, type, data, files);
    } catch (err) {
      // The callback body is {type, data}: Discord reports message problems under `data`.
      if (err instanceof ApiError && err.errors) throw new ApiError(err.status, err.code, err.message, { data: err.errors });
      throw err;
    }
  }

  #respond(ix: InteractionRecord, type: InteractionResponseType, data: Json, files: UploadedFile[]): StoredMessage | undefined {
    const isComponent = ix.kind === 'component';
    // An autocomplete interaction takes suggestions and nothing else; suggestions answer nothing else.
    if ((ix.kind === 'autocomplete') !== (type === InteractionResponseType.ApplicationCommandAutocompleteResult)) {
      throw ApiError.form([{ path: ['type'], code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Response type ${type} is not valid for this interaction` }]);
    }
    let message: StoredMessage | undefined;
    switch (type) {
      case InteractionResponseType.ApplicationCommandAutocompleteResult: {
        const problems = autocompleteProblems(data);
        if (problems.length) throw ApiError.form(problems);
        break;
      }
      case InteractionResponseType.ChannelMessageWithSource:
        message = this.createMessage({
          channelId: ix.channelId,
          authorId: this.botId,
          body: data,
          files,
          type: isComponent ? MessageType.Default : MessageType.ChatInputCommand,
          interaction: ix,
        });
        break;
      case InteractionResponseType.DeferredChannelMessageWithSource:
        message = this.createMessage({
          channelId: ix.channelId,
          authorId: this.botId,
          body: { flags: typeof data.flags === 'number' ? data.flags : 0 },
          files: [],
          type: isComponent ? MessageType.Default : MessageType.ChatInputCommand,
          interaction: ix,
          extraFlags: LOADING_FLAG,
          allowEmpty: true,
        });
        break;
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage: {
        const source = isComponent && ix.sourceMessageId ? this.message(ix.sourceMessageId) : undefined;
        if (!source) {
          throw ApiError.form([{ path: ['type'], code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: 'This response type is only valid for component interactions' }]);
        }
        message = type === InteractionResponseType.UpdateMessage ? this.editMessage(source, data, files) : source;
        break;
      }
      case InteractionResponseType.Modal:
        break;
      default:
        throw ApiError.form([{ path: ['type'], code: 'INTERACTION_RESPONSE_TYPE_INVALID', message: `Response type ${type} is not valid here` }]);
    }
    ix.callback = { type, data, files, at: Date.now() };
    if (message) ix.originalMessageId = message.id;
    // Answered at the callback's own moment (not a second clock read, which a busy machine can put later).
    if (type === InteractionResponseType.ChannelMessageWithSource || type === InteractionResponseType.UpdateMessage) this.#answered(ix, ix.callback.at);
    return message;
  }

  #answered(ix: InteractionRecord | undefined, at = Date.now()): void {
    if (!ix || ix.answeredAt !== undefined) return;
    ix.answeredAt = at;
    this.events.emit('answered', ix);
  }

  /** The message `@original` or a follow-up id names, for the interaction's webhook routes. */
  interactionMessage(ix: InteractionRecord, messageId: string): StoredMessage {
    const id = messageId === '@original' ? ix.originalMessageId : messageId;
    const m = id !== undefined && (id === ix.originalMessageId || ix.followupIds.includes(id)) ? this.message(id) : undefined;
    if (!m) throw new ApiError(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message');
    return m;
  }

  /**
   * A follow-up message. As on Discord, the first follow-up after a deferred reply that is still
   * "thinking" fills in that reply instead of posting a new message.
   */
  followUp(ix: InteractionRecord, body: Json, files: UploadedFile[]): StoredMessage {
    if (!ix.callback) throw new ApiError(404, RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook');
    const original = ix.originalMessageId ? this.message(ix.originalMessageId) : undefined;
    if (original && ((original.data.flags ?? 0) & LOADING_FLAG) !== 0) return this.editMessage(original, body, files);
    const m = this.createMessage({ channelId: ix.channelId, authorId: this.botId, body, files, interaction: ix });
    ix.followupIds.push(m.id);
    this.#answered(ix);
    return m;
  }

  canManageMessages(): boolean {
    return hasPermission(this.botPermissions(), PermissionFlagsBits.ManageMessages);
  }
}

/** What an interaction response message says about the interaction behind it. */
function interactionFields(ix: InteractionRecord): { interactionMetadata: APIMessage['interaction_metadata']; interaction?: APIMessage['interaction'] } {
  const user = (ix.payload.member?.user ?? ix.payload.user)!;
  const owners = ix.payload.authorizing_integration_owners;
  if (ix.kind === 'component') {
    return {
      interactionMetadata: {
        id: ix.id,
        type: InteractionType.MessageComponent,
        user,
        authorizing_integration_owners: owners,
        interacted_message_id: ix.sourceMessageId ?? '',
      },
    };
  }
  return {
    interactionMetadata: { id: ix.id, type: InteractionType.ApplicationCommand, user, authorizing_integration_owners: owners },
    interaction: { id: ix.id, type: InteractionType.ApplicationCommand, name: ix.commandName ?? '', user },
  };
}
