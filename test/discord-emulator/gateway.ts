import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayOpcodes, type APIGuildMember, type GatewayIntentBits } from 'discord.js';
import { WebSocket, WebSocketServer } from 'ws';

export const GATEWAY_PATH = '/gateway';
/** Discord hands out a different host to resume on; a separate path lets tests see the client used it. */
export const RESUME_PATH = '/gateway-resume';

/** What the client identified with (the token left out). */
export interface IdentifyRecord {
  at: number;
  intents: number;
  properties: unknown;
  shard?: unknown;
  compress?: unknown;
  presence?: unknown;
  sessionId: string;
}

export interface ResumeRecord {
  at: number;
  sessionId: string;
  seq: number | null;
  accepted: boolean;
  /** Events sent again because the client had not seen them. */
  replayed: number;
}

/** An op 4 Voice State Update the client sent, and what the emulator made of it. */
export interface VoiceStateRequest {
  at: number;
  sessionId: string;
  shard: Shard;
  guildId: string;
  /** null: leave voice. */
  channelId: string | null;
  selfMute: boolean;
  selfDeaf: boolean;
  /** `joined` (a channel, also the same one again), `moved` (from another channel), `left`, or `refused` (see `reason`). */
  outcome: 'joined' | 'moved' | 'left' | 'refused';
  reason?: string;
}

export interface ConnectionRecord {
  openedAt: number;
  /** The URL the client connected to, query included (`?v=10&encoding=json`). */
  url: string;
  closedAt?: number;
  /** Close code as the server saw it (1006 when the socket died without a close frame). */
  closeCode?: number;
}

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  /** Shards `GET /gateway/bot` recommends; a session identifying with fewer is refused (4011). */
  recommendedShards: number;
  /** Every server's id: a session gets the servers its shard owns. */
  guildIds(): string[];
  /** READY's `d` for a new session on `shard`, owning `guildIds`. */
  ready(sessionId: string, resumeUrl: string, shard: Shard, guildIds: string[]): unknown;
  /** GUILD_CREATE's `d` (the guild as it is now). */
  guildCreate(guildId: string): unknown;
  members(guildId: string): APIGuildMember[];
  baseWsUrl(): string;
  /** A session ended for good (closed with 1000/1001, or invalidated): Discord then takes the bot out of voice. */
  sessionEnded?(sessionId: string): void;
  /** Op 4 from a session: act on it (voice state, voice server) and say what came of it. */
  voiceStateUpdate?(request: Omit<VoiceStateRequest, 'outcome' | 'reason'>): Pick<VoiceStateRequest, 'outcome' | 'reason'>;
}

/** `[shard_id, num_shards]`, as IDENTIFY carries it. */
export type Shard = [id: number, count: number];

/** The shard that receives a server's events: Discord's `(guild_id >> 22) % num_shards`. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** IDENTIFY's `shard`: absent means `[0, 1]`; anything but two whole numbers with 0 ≤ id < count is invalid. */
function readShard(raw: unknown): Shard | null {
  if (raw === undefined) return [0, 1];
  if (!Array.isArray(raw) || raw.length !== 2) return null;
  const [id, count] = raw as unknown[];
  if (!Number.isInteger(id) || !Number.isInteger(count)) return null;
  const shard: Shard = [id as number, count as number];
  return shard[1] >= 1 && shard[0] >= 0 && shard[0] < shard[1] ? shard : null;
}

interface Payload {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

interface Session {
  id: string;
  shard: Shard;
  intents: number;
  seq: number;
  /** Sent events, kept for replay on RESUME. */
  events: Payload[];
  socket: WebSocket | null;
  invalid: boolean;
}

const REPLAY_LIMIT = 1000;

/**
 * The WebSocket gateway: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with replay,
 * dispatches filtered by the session's intents. JSON encoding only, no compression (discord.js asks for
 * zlib-stream only when `zlib-sync` is installed, and it is not).
 */
export class Gateway {
  readonly connections: ConnectionRecord[] = [];
  readonly identifies: IdentifyRecord[] = [];
  readonly resumes: ResumeRecord[] = [];
  /** Times (ms since epoch) of every heartbeat (op 1) received. */
  readonly heartbeats: number[] = [];
  /** Every op 4 Voice State Update, in order, with its outcome. */
  readonly voiceStateRequests: VoiceStateRequest[] = [];
  /** Whether heartbeats get an ACK (op 11); turn off to make the client see a zombie connection. */
  ackHeartbeats = true;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sessions = new Map<string, Session>();

  constructor(private readonly options: GatewayOptions) {
    this.#wss.on('connection', (socket: WebSocket, req: IncomingMessage) => this.#onConnection(socket, req));
  }

  /** For the HTTP server's `upgrade` event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://emulator.invalid').pathname;
    if (path !== GATEWAY_PATH && path !== RESUME_PATH) {
      socket.destroy();
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#wss.emit('connection', ws, req));
  }

  /** Whether a session is live on an open socket (the client can receive events now). */
  get connected(): boolean {
    return [...this.#sessions.values()].some((s) => !s.invalid && s.socket?.readyState === WebSocket.OPEN);
  }

  /** Whether any session exists (events are queued for replay while it is disconnected). */
  get hasSession(): boolean {
    return [...this.#sessions.values()].some((s) => !s.invalid);
  }

  /** Whether a session owns this server's shard (its events are queued for replay while it is disconnected). */
  hasSessionFor(guildId: string): boolean {
    return [...this.#sessions.values()].some((s) => !s.invalid && owns(s, guildId));
  }

  /** The shards of live sessions on open sockets, as `[id, count]`. */
  get liveShards(): Shard[] {
    return [...this.#sessions.values()].filter((s) => !s.invalid && s.socket?.readyState === WebSocket.OPEN).map((s) => [...s.shard] as Shard);
  }

  /**
   * Sends a server's event to the sessions whose shard owns that server and that asked for it (by
   * intent); disconnected sessions keep it for RESUME. Returns the shard ids it went to.
   */
  dispatch(event: GatewayDispatchEvents | string, data: unknown, intent: GatewayIntentBits | undefined, guildId: string): number[] {
    const to: number[] = [];
    for (const session of this.#sessions.values()) {
      if (session.invalid || !owns(session, guildId)) continue;
      if (intent !== undefined && (session.intents & intent) === 0) continue;
      this.#dispatchTo(session, event, data);
      to.push(session.shard[0]);
    }
    return to;
  }

  /**
   * Drops every gateway connection: a close frame with `code` (default 4000, "unknown error", which
   * discord.js answers by resuming) or, with `terminate`, a dead socket. `invalidateSession` makes the
   * next RESUME fail (op 9), so the client has to identify again.
   */
  drop(options: { code?: number; terminate?: boolean; invalidateSession?: boolean } = {}): void {
    for (const session of this.#sessions.values()) {
      if (options.invalidateSession) this.#end(session);
      const socket = session.socket;
      if (!socket) continue;
      if (options.terminate) socket.terminate();
      else socket.close(options.code ?? GatewayCloseCodes.UnknownError, 'dropped by emulator');
    }
  }

  /** Asks clients to reconnect and resume (op 7), as Discord does before moving a session. */
  requestReconnect(): void {
    for (const session of this.#sessions.values()) {
      if (session.socket?.readyState === WebSocket.OPEN) this.#send(session.socket, { op: GatewayOpcodes.Reconnect, d: null, s: null, t: null });
    }
  }

  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #send(socket: WebSocket, payload: Payload): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
  }

  #dispatchTo(session: Session, event: string, data: unknown): void {
    const payload: Payload = { op: GatewayOpcodes.Dispatch, t: event, s: ++session.seq, d: data };
    session.events.push(payload);
    if (session.events.length > REPLAY_LIMIT) session.events.shift();
    if (session.socket) this.#send(session.socket, payload);
  }

  #onConnection(socket: WebSocket, req: IncomingMessage): void {
    const record: ConnectionRecord = { openedAt: Date.now(), url: req.url ?? '' };
    this.connections.push(record);
    const query = new URL(req.url ?? '/', 'http://emulator.invalid').searchParams;
    let session: Session | null = null;
    socket.on('close', (code) => {
      record.closedAt = Date.now();
      record.closeCode = code;
      if (session?.socket !== socket) return;
      session.socket = null;
      // A client that closes with 1000/1001 ends its session; any other code keeps it resumable.
      if (code === 1000 || code === 1001) this.#end(session);
    });
    socket.on('error', () => {});
    if (query.get('v') !== '10') {
      socket.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    if ((query.get('encoding') ?? 'json') !== 'json' || query.has('compress')) {
      // The emulator speaks plain JSON only; say so instead of sending bytes the client cannot read.
      socket.close(GatewayCloseCodes.DecodeError, 'emulator supports encoding=json without compress only');
      return;
    }
    this.#send(socket, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs }, s: null, t: null });

    socket.on('message', (raw) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        payload = JSON.parse(raw.toString()) as { op?: unknown; d?: unknown };
      } catch {
        socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
        return;
      }
      const d = (typeof payload.d === 'object' && payload.d !== null ? payload.d : {}) as Record<string, unknown>;
      switch (payload.op) {
        case GatewayOpcodes.Heartbeat:
          this.heartbeats.push(Date.now());
          if (this.ackHeartbeats) this.#send(socket, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
          return;
        case GatewayOpcodes.Identify:
          if (session) return void socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
          session = this.#identify(socket, d);
          return;
        case GatewayOpcodes.Resume:
          if (session) return void socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
          session = this.#resume(socket, d);
          return;
        case GatewayOpcodes.PresenceUpdate:
          if (!session) socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
          return;
        case GatewayOpcodes.VoiceStateUpdate:
          if (!session) return void socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
          this.#voiceStateUpdate(session, d);
          return;
        case GatewayOpcodes.RequestGuildMembers:
          if (!session) return void socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
          this.#membersChunk(session, d);
          return;
        default:
          socket.close(session ? GatewayCloseCodes.UnknownOpcode : GatewayCloseCodes.NotAuthenticated, 'Unknown or unexpected opcode.');
      }
    });
  }

  #identify(socket: WebSocket, d: Record<string, unknown>): Session | null {
    if (d.token !== this.options.token) {
      socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    if (typeof d.intents !== 'number') {
      socket.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return null;
    }
    const shard = readShard(d.shard);
    if (!shard) {
      socket.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return null;
    }
    if (shard[1] < this.options.recommendedShards) {
      // Discord: "the session would have handled too many guilds". Here its recommendation is the rule.
      socket.close(GatewayCloseCodes.ShardingRequired, 'Sharding required.');
      return null;
    }
    const session: Session = { id: randomBytes(16).toString('hex'), shard, intents: d.intents, seq: 0, events: [], socket, invalid: false };
    this.#sessions.set(session.id, session);
    this.identifies.push({
      at: Date.now(),
      intents: d.intents,
      properties: d.properties,
      shard: d.shard,
      compress: d.compress,
      presence: d.presence,
      sessionId: session.id,
    });
    const guildIds = this.options.guildIds().filter((id) => owns(session, id));
    this.#dispatchTo(session, GatewayDispatchEvents.Ready, this.options.ready(session.id, `${this.options.baseWsUrl()}${RESUME_PATH}`, shard, guildIds));
    for (const id of guildIds) this.#dispatchTo(session, GatewayDispatchEvents.GuildCreate, this.options.guildCreate(id));
    return session;
  }

  #resume(socket: WebSocket, d: Record<string, unknown>): Session | null {
    if (d.token !== this.options.token) {
      socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return null;
    }
    const session = this.#sessions.get(String(d.session_id));
    const seq = typeof d.seq === 'number' ? d.seq : null;
    if (!session || session.invalid) {
      this.resumes.push({ at: Date.now(), sessionId: String(d.session_id), seq, accepted: false, replayed: 0 });
      // d: false — the session cannot be resumed; the client must identify anew.
      this.#send(socket, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return null;
    }
    session.socket?.terminate();
    session.socket = socket;
    const missed = session.events.filter((e) => (e.s ?? 0) > (seq ?? 0));
    this.resumes.push({ at: Date.now(), sessionId: session.id, seq, accepted: true, replayed: missed.length });
    for (const e of missed) this.#send(socket, e);
    this.#dispatchTo(session, GatewayDispatchEvents.Resumed, {});
    return session;
  }

  #end(session: Session): void {
    if (session.invalid) return;
    session.invalid = true;
    this.options.sessionEnded?.(session.id);
  }

  #voiceStateUpdate(session: Session, d: Record<string, unknown>): void {
    const request = {
      at: Date.now(),
      sessionId: session.id,
      shard: [...session.shard] as Shard,
      guildId: String(d.guild_id),
      channelId: typeof d.channel_id === 'string' ? d.channel_id : null,
      selfMute: d.self_mute === true,
      selfDeaf: d.self_deaf === true,
    };
    // Discord acts on a server's voice state only on the shard that owns the server.
    const result: Pick<VoiceStateRequest, 'outcome' | 'reason'> = !owns(session, request.guildId)
      ? { outcome: 'refused', reason: `guild ${request.guildId} is not on shard ${session.shard[0]}` }
      : (this.options.voiceStateUpdate?.(request) ?? { outcome: 'refused', reason: 'voice is not emulated (start the emulator with voice: true)' });
    this.voiceStateRequests.push({ ...request, ...result });
  }

  #membersChunk(session: Session, d: Record<string, unknown>): void {
    const ids = Array.isArray(d.user_ids) ? d.user_ids.map(String) : typeof d.user_ids === 'string' ? [d.user_ids] : null;
    const q = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const guildId = String(d.guild_id);
    const members = this.options.members(guildId).filter((m) => (ids ? ids.includes(m.user.id) : m.user.username.toLowerCase().startsWith(q)));
    this.#dispatchTo(session, GatewayDispatchEvents.GuildMembersChunk, {
      guild_id: guildId,
      members,
      chunk_index: 0,
      chunk_count: 1,
      ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
      ...(ids ? { not_found: ids.filter((id) => !members.some((m) => m.user.id === id)) } : {}),
    });
  }
}

function owns(session: Session, guildId: string): boolean {
  return shardOf(guildId, session.shard[1]) === session.shard[0];
}
