/**
 * Discord's voice server, as @discordjs/voice 0.19 speaks to it: a TLS WebSocket (protocol v8) and a
 * UDP socket on 127.0.0.1. The gateway allocates a session per VOICE_SERVER_UPDATE; the client
 * identifies, discovers its address, selects a mode, and then sends encrypted Opus over RTP, which
 * is decrypted, decoded and stored per session. DAVE (end-to-end encryption) is not emulated:
 * sessions negotiate DAVE protocol version 0.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import OpusScript from 'opusscript';
import { WebSocket, WebSocketServer } from 'ws';
import { waitFor } from '../../helpers/wait-for.ts';
import { concatPcm } from './analysis.ts';
import { decryptRtp, ENCRYPTION_MODES, parseRtpHeader, RTP_OPUS_PAYLOAD_TYPE, type EncryptionMode } from './rtp.ts';
import { makeSelfSignedCert, trustInProcess, type SelfSignedCert } from './tls-cert.ts';
import type { VoiceConnectionRecord, VoiceFrame, VoiceSession } from './voice-session.ts';

/** Voice gateway opcodes (v8) the emulator speaks. */
export const VoiceOp = {
  Identify: 0,
  SelectProtocol: 1,
  Ready: 2,
  Heartbeat: 3,
  SessionDescription: 4,
  Speaking: 5,
  HeartbeatAck: 6,
  Resume: 7,
  Hello: 8,
  Resumed: 9,
  ClientsConnect: 11,
  ClientDisconnect: 13,
} as const;

/** Voice close codes the emulator sends. */
export const VoiceClose = {
  UnknownOpcode: 4001,
  FailedToDecode: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  SessionNoLongerValid: 4006,
  Disconnected: 4014,
  VoiceServerCrashed: 4015,
  UnknownEncryptionMode: 4016,
  BadRequest: 4020,
} as const;

const SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);
/** The `pcm` of every frame when decoding is off. */
const NOT_DECODED = new Int16Array(0);
const DAVE_MARKER = 0xfafa;
const DISCOVERY_LENGTH = 74;
const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
const SAMPLE_RATE = 48_000;
const CHANNELS = 2;

export interface VoiceServerOptions {
  /** Op 8 Hello's heartbeat interval (Discord: 13 750 ms). */
  heartbeatIntervalMs?: number;
  /**
   * Decode each frame's Opus to PCM (default true). False keeps decryption and every frame's record
   * but leaves `pcm` empty: the load bench receives dozens of streams in its own process, where
   * decoding in JavaScript would compete with the bot for the same cores.
   */
  decode?: boolean;
  /**
   * Keep only a session's latest frames: once it holds 2 × keepFrames, the oldest are dropped down
   * to keepFrames (`frameCount` still counts them all). Default: keep every frame. For load runs,
   * whose garbage collector would otherwise trace every frame of every stream.
   */
  keepFrames?: number;
}

export interface WaitOptions {
  timeoutMs?: number;
  what?: string;
}

interface Message {
  op: number;
  d: unknown;
  seq?: number;
}

/** A session with what only the server needs: its socket, decoder, and buffered sequenced messages. */
interface Live {
  record: VoiceSession;
  socket: WebSocket | null;
  decoder: OpusScript | null;
  seq: number;
  /** Messages sent with a `seq`, kept for replay on resume. */
  buffered: Message[];
  /** Users (not the bot) in the session's channel, for op 11/13. */
  connectedUsers: Set<string>;
}

export class VoiceServerEmulator {
  readonly #https: HttpsServer;
  readonly #wss: WebSocketServer;
  readonly #udp: UdpSocket;
  readonly #cert: SelfSignedCert;
  readonly #heartbeatIntervalMs: number;
  readonly #decode: boolean;
  readonly #keepFrames: number;
  readonly #live: Live[] = [];
  #nextSsrc = 1 + Math.floor(Math.random() * 0x7fff_0000);
  /** For `NODE_EXTRA_CA_CERTS` of a bot in another process (this process already trusts it). */
  readonly caCertPath: string;
  /** `127.0.0.1:<port>`: what VOICE_SERVER_UPDATE's `endpoint` says. */
  readonly endpoint: string;
  readonly port: number;
  readonly udpPort: number;

  private constructor(init: { https: HttpsServer; wss: WebSocketServer; udp: UdpSocket; cert: SelfSignedCert; port: number; udpPort: number; heartbeatIntervalMs: number; decode: boolean; keepFrames: number }) {
    this.#https = init.https;
    this.#wss = init.wss;
    this.#udp = init.udp;
    this.#cert = init.cert;
    this.#heartbeatIntervalMs = init.heartbeatIntervalMs;
    this.#decode = init.decode;
    this.#keepFrames = init.keepFrames;
    this.caCertPath = init.cert.certPath;
    this.port = init.port;
    this.udpPort = init.udpPort;
    this.endpoint = `127.0.0.1:${init.port}`;
    this.#wss.on('connection', (socket, req) => this.#onConnection(socket, req.url ?? '/'));
    this.#udp.on('message', (msg, rinfo) => this.#onDatagram(msg, rinfo));
  }

  static async start(options: VoiceServerOptions = {}): Promise<VoiceServerEmulator> {
    const cert = await makeSelfSignedCert();
    trustInProcess(cert.cert);
    const https = createServer({ cert: cert.cert, key: cert.key });
    const wss = new WebSocketServer({ server: https });
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    const udp = createSocket('udp4');
    udp.bind(0, '127.0.0.1');
    await once(udp, 'listening');
    // Room for a few seconds of many streams (the kernel caps it at net.core.rmem_max): a busy
    // test process must not lose datagrams it would have read a moment later.
    udp.setRecvBufferSize(UDP_RECEIVE_BUFFER_BYTES);
    return new VoiceServerEmulator({
      https,
      wss,
      udp,
      cert,
      port: (https.address() as AddressInfo).port,
      udpPort: udp.address().port,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 13_750,
      decode: options.decode ?? true,
      keepFrames: options.keepFrames ?? Infinity,
    });
  }

  // ---- what tests read ------------------------------------------------------------------------

  /** Every session, in allocation order, ended ones included. */
  get sessions(): readonly VoiceSession[] {
    return this.#live.map((l) => l.record);
  }

  /** A server's sessions in allocation order. */
  sessionsOf(guildId: string): VoiceSession[] {
    return this.#live.filter((l) => l.record.guildId === guildId).map((l) => l.record);
  }

  /** A server's latest session (the live one, or the last that ended), if any. */
  session(guildId: string): VoiceSession | undefined {
    return this.sessionsOf(guildId).at(-1);
  }

  /** Waits until the server's latest session holds at least `n` frames (silence frames count); returns them. */
  waitForFrames(guildId: string, n: number, options: WaitOptions = {}): Promise<VoiceFrame[]> {
    return waitFor(
      () => {
        const s = this.session(guildId);
        return s && s.frames.length >= n ? s.frames : undefined;
      },
      {
        what: options.what ?? `${n} voice frames in guild ${guildId}`,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        detail: () => this.#describe(guildId),
      },
    );
  }

  /** Waits for the server's latest session to satisfy `check`. */
  waitForSession(guildId: string, check: (s: VoiceSession) => boolean = () => true, options: WaitOptions = {}): Promise<VoiceSession> {
    return waitFor(
      () => {
        const s = this.session(guildId);
        return s && check(s) ? s : undefined;
      },
      {
        what: options.what ?? `a voice session in guild ${guildId}`,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        detail: () => this.#describe(guildId),
      },
    );
  }

  /** The latest session's PCM from frame `fromFrame` (default 0) to `toFrame` (exclusive, default all), concatenated. */
  pcm(guildId: string, range: { fromFrame?: number; toFrame?: number } = {}): Int16Array {
    return concatPcm((this.session(guildId)?.frames ?? []).slice(range.fromFrame ?? 0, range.toFrame));
  }

  /**
   * Breaks the live session's WebSocket: a close frame with `code` (default 4015 "voice server
   * crashed", which the client answers with op 7 Resume) or, with `terminate`, a dead socket (1006).
   */
  drop(guildId: string, options: { code?: number; terminate?: boolean } = {}): void {
    const live = this.#liveOf(guildId);
    const socket = live?.socket;
    if (!live || !socket) throw new Error(`no connected voice session in guild ${guildId}`);
    const conn = live.record.connections.at(-1);
    if (conn) conn.closedBy = 'drop';
    if (options.terminate) socket.terminate();
    else socket.close(options.code ?? VoiceClose.VoiceServerCrashed, 'dropped by emulator');
  }

  // ---- what the gateway calls -----------------------------------------------------------------

  /**
   * A new voice session for the bot in a channel (each VOICE_SERVER_UPDATE): the server's earlier
   * session ends (`replaced`), its token stops working. Returns the token to hand out.
   */
  allocate(input: { guildId: string; channelId: string; userId: string; sessionId: string; usersInChannel: readonly string[] }): VoiceSession {
    const previous = this.#liveOf(input.guildId);
    if (previous) this.#end(previous, 'replaced');
    const record: VoiceSession = {
      guildId: input.guildId,
      channelId: input.channelId,
      userId: input.userId,
      sessionId: input.sessionId,
      token: randomBytes(8).toString('hex'),
      endpoint: this.endpoint,
      ssrc: this.#nextSsrc++,
      createdAt: Date.now(),
      daveProtocolVersion: 0,
      frames: [],
      frameCount: 0,
      speaking: [],
      resumes: [],
      heartbeats: [],
      connections: [],
      keepAlives: 0,
      decryptFailures: 0,
      decodeFailures: 0,
      daveFrames: 0,
      problems: [],
      closed: false,
    };
    this.#live.push({ record, socket: null, decoder: null, seq: 0, buffered: [], connectedUsers: new Set(input.usersInChannel) });
    return record;
  }

  /** The bot left voice in this server (op 4 with channel null, or its gateway session ended): the session ends and its socket is closed with 4014. */
  leave(guildId: string, reason: 'left' | 'gateway session ended' = 'left'): void {
    const live = this.#liveOf(guildId);
    if (!live) return;
    this.#end(live, reason);
    const socket = live.socket;
    live.socket = null;
    // The client has usually closed already; 4014 tells any that has not not to reconnect.
    socket?.close(VoiceClose.Disconnected, 'Disconnected');
  }

  /** A person joined (`true`) or left the channel of the server's live session: op 11 / op 13 to the client. */
  userMoved(guildId: string, userId: string, inSessionChannel: boolean): void {
    const live = this.#liveOf(guildId);
    if (!live || live.connectedUsers.has(userId) === inSessionChannel) return;
    if (inSessionChannel) {
      live.connectedUsers.add(userId);
      if (live.record.identifiedAt !== undefined) this.#sendSequenced(live, VoiceOp.ClientsConnect, { user_ids: [userId] });
    } else {
      live.connectedUsers.delete(userId);
      if (live.record.identifiedAt !== undefined) this.#sendSequenced(live, VoiceOp.ClientDisconnect, { user_id: userId });
    }
  }

  async close(): Promise<void> {
    for (const live of this.#live) {
      if (!live.record.closed) this.#end(live, 'emulator closed');
      live.socket?.terminate();
      live.decoder?.delete();
      live.decoder = null;
    }
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#https.closeAllConnections();
    await new Promise<void>((resolve) => this.#https.close(() => resolve()));
    await new Promise<void>((resolve) => this.#udp.close(() => resolve()));
    await this.#cert.remove();
  }

  // ---- internals ------------------------------------------------------------------------------

  #liveOf(guildId: string): Live | undefined {
    return this.#live.findLast((l) => l.record.guildId === guildId && !l.record.closed);
  }

  #end(live: Live, reason: NonNullable<VoiceSession['endReason']>): void {
    live.record.closed = true;
    live.record.closedAt = Date.now();
    live.record.endReason = reason;
  }

  #send(socket: WebSocket, message: Message): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  /** v8: messages the client must acknowledge carry `seq`; they are kept for replay on resume. */
  #sendSequenced(live: Live, op: number, d: unknown): void {
    const message: Message = { op, d, seq: ++live.seq };
    live.buffered.push(message);
    if (live.socket) this.#send(live.socket, message);
  }

  #onConnection(socket: WebSocket, url: string): void {
    const conn: VoiceConnectionRecord = { openedAt: Date.now(), url };
    let live: Live | null = null;
    const problem = (code: number, why: string) => {
      conn.closedBy = 'server';
      live?.record.problems.push(why);
      socket.close(code, why.slice(0, 120));
    };
    socket.on('error', () => {});
    socket.on('close', (code) => {
      conn.closedAt = Date.now();
      conn.closeCode = code;
      conn.closedBy ??= 'client';
      if (live?.socket === socket) live.socket = null;
    });
    const version = new URL(url, 'wss://voice.invalid').searchParams.get('v');
    if (version !== '8') {
      problem(VoiceClose.BadRequest, `the emulator speaks voice gateway v8, the client asked for v=${String(version)}`);
      return;
    }
    this.#send(socket, { op: VoiceOp.Hello, d: { heartbeat_interval: this.#heartbeatIntervalMs } });

    socket.on('message', (raw, isBinary) => {
      if (isBinary) {
        // Binary messages are DAVE's MLS traffic; with DAVE v0 negotiated the client must send none.
        return problem(VoiceClose.FailedToDecode, 'binary (DAVE) message although DAVE version 0 was negotiated');
      }
      let message: { op?: unknown; d?: unknown };
      try {
        message = JSON.parse(raw.toString()) as { op?: unknown; d?: unknown };
      } catch {
        return problem(VoiceClose.FailedToDecode, 'invalid JSON');
      }
      const d = (typeof message.d === 'object' && message.d !== null ? message.d : {}) as Record<string, unknown>;
      if (message.op === VoiceOp.Heartbeat) {
        const seqAck = typeof d.seq_ack === 'number' ? d.seq_ack : null;
        live?.record.heartbeats.push({ at: Date.now(), seqAck });
        return this.#send(socket, { op: VoiceOp.HeartbeatAck, d: { t: d.t } });
      }
      if (message.op === VoiceOp.Identify || message.op === VoiceOp.Resume) {
        if (live) return problem(VoiceClose.AlreadyAuthenticated, 'already authenticated');
        live = message.op === VoiceOp.Identify ? this.#identify(socket, d, problem) : this.#resume(socket, d, problem);
        if (live) {
          conn.kind = message.op === VoiceOp.Identify ? 'identify' : 'resume';
          live.record.connections.push(conn);
        }
        return;
      }
      if (!live) return problem(VoiceClose.NotAuthenticated, `op ${String(message.op)} before identify`);
      switch (message.op) {
        case VoiceOp.SelectProtocol:
          return this.#selectProtocol(live, socket, d, problem);
        case VoiceOp.Speaking:
          live.record.speaking.push({
            at: performance.now(),
            speaking: typeof d.speaking === 'number' ? d.speaking : Number(d.speaking),
            ssrc: Number(d.ssrc),
            delay: Number(d.delay ?? 0),
          });
          return;
        default:
          return problem(VoiceClose.UnknownOpcode, `unknown opcode ${String(message.op)}`);
      }
    });
  }

  #identify(socket: WebSocket, d: Record<string, unknown>, problem: (code: number, why: string) => void): Live | null {
    const live = this.#live.find((l) => l.record.token === d.token);
    if (!live) {
      problem(VoiceClose.AuthenticationFailed, 'unknown token');
      return null;
    }
    const r = live.record;
    if (r.closed) {
      problem(VoiceClose.SessionNoLongerValid, `session ${r.endReason ?? 'ended'}`);
      return null;
    }
    const mismatch = [
      d.server_id !== r.guildId && `server_id ${String(d.server_id)} ≠ ${r.guildId}`,
      d.user_id !== r.userId && `user_id ${String(d.user_id)} ≠ ${r.userId}`,
      d.session_id !== r.sessionId && `session_id ${String(d.session_id)} ≠ ${r.sessionId}`,
    ].filter(Boolean);
    if (mismatch.length) {
      problem(VoiceClose.AuthenticationFailed, `identify does not match the voice state: ${mismatch.join(', ')}`);
      return null;
    }
    live.socket?.terminate();
    live.socket = socket;
    r.identifiedAt = Date.now();
    r.maxDaveProtocolVersion = typeof d.max_dave_protocol_version === 'number' ? d.max_dave_protocol_version : 0;
    this.#send(socket, { op: VoiceOp.Ready, d: { ssrc: r.ssrc, ip: '127.0.0.1', port: this.udpPort, modes: [...ENCRYPTION_MODES] } });
    if (live.connectedUsers.size) this.#sendSequenced(live, VoiceOp.ClientsConnect, { user_ids: [...live.connectedUsers] });
    return live;
  }

  #resume(socket: WebSocket, d: Record<string, unknown>, problem: (code: number, why: string) => void): Live | null {
    const live = this.#live.find((l) => l.record.token === d.token);
    const seqAck = typeof d.seq_ack === 'number' ? d.seq_ack : null;
    const valid = live && !live.record.closed && d.server_id === live.record.guildId && d.session_id === live.record.sessionId;
    if (!live || !valid) {
      live?.record.resumes.push({ at: Date.now(), seqAck, accepted: false, replayed: 0, frameIndex: live.record.frames.length });
      problem(VoiceClose.SessionNoLongerValid, 'cannot resume: unknown or ended session');
      return null;
    }
    live.socket?.terminate();
    live.socket = socket;
    const missed = live.buffered.filter((m) => (m.seq ?? 0) > (seqAck ?? -1));
    live.record.resumes.push({ at: Date.now(), seqAck, accepted: true, replayed: missed.length, frameIndex: live.record.frames.length });
    this.#send(socket, { op: VoiceOp.Resumed, d: null });
    for (const m of missed) this.#send(socket, m);
    return live;
  }

  #selectProtocol(live: Live, socket: WebSocket, d: Record<string, unknown>, problem: (code: number, why: string) => void): void {
    const data = (typeof d.data === 'object' && d.data !== null ? d.data : {}) as Record<string, unknown>;
    const mode = String(data.mode);
    if (d.protocol !== 'udp') return problem(VoiceClose.BadRequest, `protocol ${String(d.protocol)} (only udp)`);
    if (!(ENCRYPTION_MODES as readonly string[]).includes(mode)) return problem(VoiceClose.UnknownEncryptionMode, `unknown encryption mode ${mode}`);
    const r = live.record;
    r.selected = { protocol: 'udp', address: String(data.address), port: Number(data.port), mode };
    r.mode = mode as EncryptionMode;
    r.secretKey = new Uint8Array(randomBytes(32));
    if (this.#decode) live.decoder ??= new OpusScript(SAMPLE_RATE, CHANNELS, OpusScript.Application.AUDIO);
    r.readyAt = Date.now();
    this.#send(socket, {
      op: VoiceOp.SessionDescription,
      d: { mode, secret_key: [...r.secretKey], dave_protocol_version: 0, audio_codec: 'opus', video_codec: null, media_session_id: randomBytes(16).toString('hex') },
    });
  }

  #onDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    if (msg.length === DISCOVERY_LENGTH && msg.readUInt16BE(0) === 1) return this.#discover(msg, rinfo);
    if (msg.length === 8) {
      // A keep-alive (a little-endian counter): counted for whichever session that peer belongs to.
      const live = this.#live.findLast((l) => l.record.discovered?.port === rinfo.port && l.record.discovered.address === rinfo.address);
      if (live) live.record.keepAlives++;
      return;
    }
    const header = parseRtpHeader(msg);
    if (!header || header.payloadType !== RTP_OPUS_PAYLOAD_TYPE) return;
    // An ended session takes no more audio, as on Discord.
    const live = this.#live.findLast((l) => l.record.ssrc === header.ssrc && !l.record.closed);
    if (!live) return;
    this.#receive(live, msg, performance.now());
  }

  /** IP discovery: type 2, length 70, the ssrc, the sender's address (NUL-padded) and port (last two bytes, big-endian). */
  #discover(msg: Buffer, rinfo: RemoteInfo): void {
    const ssrc = msg.readUInt32BE(4);
    const live = this.#live.findLast((l) => l.record.ssrc === ssrc);
    if (!live) return;
    live.record.discovered = { address: rinfo.address, port: rinfo.port };
    const reply = Buffer.alloc(DISCOVERY_LENGTH);
    reply.writeUInt16BE(2, 0);
    reply.writeUInt16BE(70, 2);
    reply.writeUInt32BE(ssrc, 4);
    reply.write(rinfo.address, 8, 'utf8');
    reply.writeUInt16BE(rinfo.port, DISCOVERY_LENGTH - 2);
    this.#udp.send(reply, rinfo.port, rinfo.address);
  }

  #receive(live: Live, msg: Buffer, arrivedAt: number): void {
    const r = live.record;
    if (!r.mode || !r.secretKey || (this.#decode && !live.decoder)) {
      r.decryptFailures++;
      return;
    }
    let opus: Buffer;
    let header;
    let nonce;
    try {
      ({ payload: opus, header, nonce } = decryptRtp(msg, r.mode, r.secretKey));
    } catch {
      r.decryptFailures++;
      return;
    }
    if (opus.length >= 2 && opus.readUInt16BE(opus.length - 2) === DAVE_MARKER) {
      r.daveFrames++;
      return;
    }
    let pcm = NOT_DECODED;
    if (live.decoder) {
      try {
        const decoded = live.decoder.decode(opus);
        pcm = new Int16Array(new Uint8Array(decoded).buffer);
      } catch {
        r.decodeFailures++;
        return;
      }
    }
    r.frames.push({ arrivedAt, sequence: header.sequence, timestamp: header.timestamp, ssrc: header.ssrc, nonce, opus: Buffer.from(opus), pcm, silence: opus.equals(SILENCE) });
    r.frameCount++;
    if (r.frames.length >= 2 * this.#keepFrames) r.frames.splice(0, r.frames.length - this.#keepFrames);
  }

  #describe(guildId: string): string {
    const all = this.sessionsOf(guildId);
    if (!all.length) return `no voice session was allocated for guild ${guildId}`;
    return all
      .map(
        (s, i) =>
          `session ${i}: channel ${s.channelId}, ${s.closed ? `closed (${s.endReason})` : 'open'}, identified ${s.identifiedAt !== undefined}, mode ${s.mode ?? '-'}, ` +
          `${s.frames.length} frames, ${s.decryptFailures} decrypt / ${s.decodeFailures} decode failures, problems: ${s.problems.join('; ') || 'none'}`,
      )
      .join('\n');
  }
}
