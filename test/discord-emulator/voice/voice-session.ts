/** What the emulated voice server records about one voice session (one VOICE_SERVER_UPDATE's token). */
import type { EncryptionMode } from './rtp.ts';

/** One Opus frame the client sent, decoded. */
export interface VoiceFrame {
  /** `performance.now()` when the datagram arrived. */
  arrivedAt: number;
  /** RTP sequence number and timestamp (48 kHz ticks) as the client wrote them. */
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** The AEAD counter at the end of the packet. */
  nonce: number;
  /** The Opus packet as decrypted. */
  opus: Buffer;
  /** Decoded PCM: 48 kHz, 2 channels interleaved (960 samples per channel for 20 ms); empty when the server does not decode (`voiceDecode: false`). */
  pcm: Int16Array;
  /** The client's Opus silence frame (F8 FF FE), the padding @discordjs/voice sends when a stream ends (4 of its 5 reach the wire) or pauses. */
  silence: boolean;
}

/** Op 5 Speaking from the client. */
export interface SpeakingEvent {
  at: number;
  /** Bit field: 1 microphone, 2 soundshare, 4 priority; 0 stopped. */
  speaking: number;
  ssrc: number;
  delay: number;
}

/** Op 7 Resume: what the client claimed, and whether it was accepted (op 9) or refused (close 4006). */
export interface VoiceResumeRecord {
  at: number;
  seqAck: number | null;
  accepted: boolean;
  /** Buffered server messages (seq > seq_ack) sent again. */
  replayed: number;
  /** Frames received before it: `frames.slice(frameIndex)` came after. */
  frameIndex: number;
}

/** One WebSocket connection to the voice server for this session. */
export interface VoiceConnectionRecord {
  openedAt: number;
  url: string;
  /** How the connection started the session: op 0 Identify or op 7 Resume. */
  kind?: 'identify' | 'resume';
  closedAt?: number;
  /** As the server saw it (1006: died without a close frame). */
  closeCode?: number;
  /** Who closed: a `drop()`, the server for a protocol error, or the client. */
  closedBy?: 'drop' | 'server' | 'client';
}

export interface VoiceSession {
  guildId: string;
  /** The channel the bot's voice state named when this session was allocated. */
  channelId: string;
  userId: string;
  /** The gateway session id the bot's VOICE_STATE_UPDATE carried (IDENTIFY must repeat it). */
  sessionId: string;
  /** The voice token of VOICE_SERVER_UPDATE. */
  token: string;
  endpoint: string;
  ssrc: number;
  createdAt: number;
  /** When op 0 Identify was accepted, and what DAVE version the client offered. */
  identifiedAt?: number;
  maxDaveProtocolVersion?: number;
  /** The DAVE version the session description negotiated: always 0 (DAVE is not emulated). */
  daveProtocolVersion: 0;
  /** The address the client's IP discovery came from, as the server answered it. */
  discovered?: { address: string; port: number };
  /** Op 1 Select Protocol: the address/port the client reported and the mode it chose. */
  selected?: { protocol: string; address: string; port: number; mode: string };
  mode?: EncryptionMode;
  secretKey?: Uint8Array;
  /** When op 4 Session Description went out: the client is Ready then. */
  readyAt?: number;
  frames: VoiceFrame[];
  /** Frames recorded in all (more than `frames` holds when the server keeps only the latest: `voiceKeepFrames`). */
  frameCount: number;
  speaking: SpeakingEvent[];
  resumes: VoiceResumeRecord[];
  heartbeats: { at: number; seqAck: number | null }[];
  connections: VoiceConnectionRecord[];
  /** UDP keep-alives (8 bytes) received. */
  keepAlives: number;
  /** RTP packets that failed to authenticate/decrypt (wrong key, mode, or layout). */
  decryptFailures: number;
  /** Decrypted payloads that were no valid Opus (e.g. still DAVE-encrypted). */
  decodeFailures: number;
  /** Payloads ending in DAVE's 0xFAFA marker: the client end-to-end encrypted them although DAVE v0 was negotiated. */
  daveFrames: number;
  /** Protocol problems the server closed the socket for, or ignored, in words. */
  problems: string[];
  closed: boolean;
  closedAt?: number;
  /**
   * `left` (op 4 with channel null), `gateway session ended` (the bot's gateway session closed with
   * 1000/1001 or was invalidated), `replaced` (a newer VOICE_SERVER_UPDATE for the server), `emulator closed`.
   */
  endReason?: 'left' | 'gateway session ended' | 'replaced' | 'emulator closed';
}
