/**
 * Discord's voice RTP packets and their transport encryption ("rtpsize" AEAD modes), as
 * @discordjs/voice 0.19 builds them (Networking.createAudioPacket / encryptOpusPacket):
 *
 *   RTP header (12 bytes: 0x80, payload type 120, sequence, timestamp, ssrc; more with CSRCs or an extension)
 *   ‖ ciphertext ‖ 16-byte tag ‖ 4-byte nonce counter (big-endian)
 *
 * The AAD is the unencrypted header (fixed part, CSRCs, and the 4-byte extension preamble if any:
 * "rtpsize"); the extension body, if any, is encrypted with the payload. The AEAD nonce is the 4 counter
 * bytes followed by zeros: 12 bytes for AES-256-GCM, 24 for XChaCha20-Poly1305.
 */
import { createDecipheriv } from 'node:crypto';

export const ENCRYPTION_MODES = ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const;
export type EncryptionMode = (typeof ENCRYPTION_MODES)[number];

export const RTP_OPUS_PAYLOAD_TYPE = 120;
const TAG_LENGTH = 16;
const NONCE_SUFFIX_LENGTH = 4;

export interface RtpHeader {
  version: number;
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** Bytes of the packet that stay in clear and are authenticated as AAD. */
  aadLength: number;
}

/** The RTP header, or null when the bytes are no RTP v2 packet (keep-alives, discovery). */
export function parseRtpHeader(packet: Uint8Array): RtpHeader | null {
  if (packet.length < 12) return null;
  const b = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  const version = b[0]! >> 6;
  if (version !== 2) return null;
  const csrcCount = b[0]! & 0x0f;
  const extension = (b[0]! & 0x10) !== 0;
  const aadLength = 12 + 4 * csrcCount + (extension ? 4 : 0);
  if (packet.length < aadLength) return null;
  return {
    version,
    padding: (b[0]! & 0x20) !== 0,
    extension,
    csrcCount,
    marker: (b[1]! & 0x80) !== 0,
    payloadType: b[1]! & 0x7f,
    sequence: b.readUInt16BE(2),
    timestamp: b.readUInt32BE(4),
    ssrc: b.readUInt32BE(8),
    aadLength,
  };
}

export interface DecryptedRtp {
  header: RtpHeader;
  /** The 32-bit counter the sender put at the end of the packet. */
  nonce: number;
  /** The media payload (Opus), extension body and padding removed. */
  payload: Buffer;
}

/**
 * Authenticates and decrypts one voice packet. Throws on a packet too short, a wrong key or any
 * tampering (the AEAD tag does not match).
 */
export function decryptRtp(packet: Uint8Array, mode: EncryptionMode, secretKey: Uint8Array): DecryptedRtp {
  const header = parseRtpHeader(packet);
  if (!header) throw new Error('not an RTP v2 packet');
  const b = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  if (b.length < header.aadLength + TAG_LENGTH + NONCE_SUFFIX_LENGTH) throw new Error(`packet too short (${b.length} bytes)`);
  const aad = b.subarray(0, header.aadLength);
  const suffix = b.subarray(b.length - NONCE_SUFFIX_LENGTH);
  const tag = b.subarray(b.length - NONCE_SUFFIX_LENGTH - TAG_LENGTH, b.length - NONCE_SUFFIX_LENGTH);
  const ciphertext = b.subarray(header.aadLength, b.length - NONCE_SUFFIX_LENGTH - TAG_LENGTH);
  let plain =
    mode === 'aead_aes256_gcm_rtpsize'
      ? aesGcmOpen(secretKey, Buffer.concat([suffix, Buffer.alloc(8)]), aad, ciphertext, tag)
      : xchachaOpen(secretKey, Buffer.concat([suffix, Buffer.alloc(20)]), aad, ciphertext, tag);
  if (header.extension) {
    // The preamble (profile, length in 32-bit words) is in the clear; its body is the start of the plaintext.
    const words = b.readUInt16BE(header.aadLength - 2);
    plain = plain.subarray(4 * words);
  }
  if (header.padding && plain.length > 0) {
    const pad = plain[plain.length - 1]!;
    if (pad <= plain.length) plain = plain.subarray(0, plain.length - pad);
  }
  return { header, nonce: suffix.readUInt32BE(0), payload: plain };
}

function aesGcmOpen(key: Uint8Array, nonce: Buffer, aad: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(aad);
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ciphertext), d.final()]);
}

/**
 * XChaCha20-Poly1305 (IETF), which node:crypto lacks: HChaCha20 derives a subkey from the key and
 * the first 16 nonce bytes, then ChaCha20-Poly1305 runs with the nonce `0000 ‖ nonce[16..24]`.
 */
export function xchachaOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Buffer {
  if (nonce.length !== 24) throw new Error('XChaCha20 needs a 24-byte nonce');
  const subkey = hchacha20(key, nonce.subarray(0, 16));
  const d = createDecipheriv('chacha20-poly1305', subkey, Buffer.concat([Buffer.alloc(4), nonce.subarray(16, 24)]), { authTagLength: TAG_LENGTH });
  d.setAAD(aad, { plaintextLength: ciphertext.length });
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ciphertext), d.final()]);
}

const rotl = (v: number, n: number) => ((v << n) | (v >>> (32 - n))) >>> 0;

/** HChaCha20 (draft-irtf-cfrg-xchacha §2.2): 20 ChaCha rounds, output words 0–3 and 12–15. */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array): Buffer {
  if (key.length !== 32 || nonce16.length !== 16) throw new Error('HChaCha20 needs a 32-byte key and a 16-byte nonce');
  const k = Buffer.from(key);
  const n = Buffer.from(nonce16);
  const s = new Uint32Array(16);
  s.set([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
  for (let i = 0; i < 8; i++) s[4 + i] = k.readUInt32LE(4 * i);
  for (let i = 0; i < 4; i++) s[12 + i] = n.readUInt32LE(4 * i);
  const qr = (a: number, b: number, c: number, d: number) => {
    s[a] = (s[a]! + s[b]!) >>> 0;
    s[d] = rotl(s[d]! ^ s[a]!, 16);
    s[c] = (s[c]! + s[d]!) >>> 0;
    s[b] = rotl(s[b]! ^ s[c]!, 12);
    s[a] = (s[a]! + s[b]!) >>> 0;
    s[d] = rotl(s[d]! ^ s[a]!, 8);
    s[c] = (s[c]! + s[d]!) >>> 0;
    s[b] = rotl(s[b]! ^ s[c]!, 7);
  };
  for (let round = 0; round < 10; round++) {
    qr(0, 4, 8, 12);
    qr(1, 5, 9, 13);
    qr(2, 6, 10, 14);
    qr(3, 7, 11, 15);
    qr(0, 5, 10, 15);
    qr(1, 6, 11, 12);
    qr(2, 7, 8, 13);
    qr(3, 4, 9, 14);
  }
  const out = Buffer.alloc(32);
  [0, 1, 2, 3, 12, 13, 14, 15].forEach((w, i) => out.writeUInt32LE(s[w]!, 4 * i));
  return out;
}
