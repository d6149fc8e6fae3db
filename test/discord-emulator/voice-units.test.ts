/**
 * The voice emulator's pure parts: RTP decryption against published vectors and against packets
 * made by @discordjs/voice's own encryptor, and the audio analysis helpers on synthetic signals.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { Networking } from '@discordjs/voice';
import { describe, expect, it } from 'vitest';
import { arrivalGaps, dominantFrequency, toneSegments, type FrameLike } from './voice/analysis.ts';
import { decryptRtp, hchacha20, parseRtpHeader, xchachaOpen } from './voice/rtp.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** What Networking.createAudioPacket reads from its connection data. */
interface ConnectionData {
  ssrc: number;
  sequence: number;
  timestamp: number;
  encryptionMode: string;
  secretKey: Uint8Array;
  nonce: number;
  nonceBuffer: Buffer;
}

/** A packet exactly as @discordjs/voice 0.19 builds it (its own method, no DAVE session). */
function clientPacket(opus: Buffer, data: ConnectionData): Buffer {
  const create = (Networking.prototype as unknown as { createAudioPacket(o: Buffer, d: ConnectionData, dave: undefined): Buffer }).createAudioPacket;
  return create.call(Networking.prototype, opus, data, undefined);
}

describe('voice RTP decryption', () => {
  it('HChaCha20 matches draft-irtf-cfrg-xchacha §2.2.1', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    expect(hchacha20(key, hex('000000090000004a0000000031415927')).toString('hex')).toBe(
      '82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc',
    );
  });

  it('XChaCha20-Poly1305 opens draft-irtf-cfrg-xchacha A.3.1 and refuses a flipped tag', () => {
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hex('404142434445464748494a4b4c4d4e4f5051525354555657');
    const aad = hex('50515253c0c1c2c3c4c5c6c7');
    const ct = hex(`bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
      731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
      2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
      21f9664c97637da9768812f615c68b13b52e`);
    const tag = hex('c0875924c1c7987947deafd8780acf49');
    expect(xchachaOpen(key, nonce, aad, ct, tag).toString()).toBe(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const bad = Buffer.from(tag);
    bad[0]! ^= 1;
    expect(() => xchachaOpen(key, nonce, aad, ct, bad)).toThrow();
  });

  it('opens AES-256-GCM rtpsize packets made by @discordjs/voice, header and counter as sent', () => {
    const secretKey = new Uint8Array(randomBytes(32));
    const data: ConnectionData = { ssrc: 0xdeadbeef, sequence: 65_535, timestamp: 2 ** 32 - 960, encryptionMode: 'aead_aes256_gcm_rtpsize', secretKey, nonce: 7, nonceBuffer: Buffer.alloc(12) };
    const opus = randomBytes(120);
    const packet = clientPacket(opus, data);
    expect(packet.length).toBe(12 + 120 + 16 + 4);
    const out = decryptRtp(packet, 'aead_aes256_gcm_rtpsize', secretKey);
    expect(out.payload.equals(opus)).toBe(true);
    expect(out.nonce).toBe(8);
    expect(out.header).toMatchObject({ version: 2, payloadType: 120, sequence: 65_535, timestamp: 2 ** 32 - 960, ssrc: 0xdeadbeef, aadLength: 12 });
  });

  it('refuses a packet with a changed header (AAD), payload or key', () => {
    const secretKey = new Uint8Array(randomBytes(32));
    const data: ConnectionData = { ssrc: 42, sequence: 1, timestamp: 960, encryptionMode: 'aead_aes256_gcm_rtpsize', secretKey, nonce: 0, nonceBuffer: Buffer.alloc(12) };
    const packet = clientPacket(Buffer.from([0xf8, 0xff, 0xfe]), data);
    const header = Buffer.from(packet);
    header[3]! ^= 1; // the sequence number is authenticated
    const body = Buffer.from(packet);
    body[12]! ^= 1;
    expect(() => decryptRtp(header, 'aead_aes256_gcm_rtpsize', secretKey)).toThrow();
    expect(() => decryptRtp(body, 'aead_aes256_gcm_rtpsize', secretKey)).toThrow();
    expect(() => decryptRtp(packet, 'aead_aes256_gcm_rtpsize', new Uint8Array(randomBytes(32)))).toThrow();
    expect(() => decryptRtp(packet, 'aead_xchacha20_poly1305_rtpsize', secretKey)).toThrow();
  });

  it('keeps the extension preamble in the AAD and strips the encrypted extension body (rtpsize)', () => {
    const key = randomBytes(32);
    const fixed = Buffer.from([0x90, 120, 0, 5, 0, 0, 0x12, 0xc0, 0, 0, 0, 9]); // X bit set
    const preamble = Buffer.from([0xbe, 0xde, 0, 1]); // one 32-bit word of extension
    const aad = Buffer.concat([fixed, preamble]);
    const plain = Buffer.concat([Buffer.from([0x10, 0xff, 0, 0]), Buffer.from('opus!')]);
    const counter = Buffer.from([0, 0, 0, 3]);
    const c = createCipheriv('aes-256-gcm', key, Buffer.concat([counter, Buffer.alloc(8)]));
    c.setAAD(aad);
    const packet = Buffer.concat([aad, c.update(plain), c.final(), c.getAuthTag(), counter]);
    expect(parseRtpHeader(packet)).toMatchObject({ extension: true, aadLength: 16, sequence: 5, ssrc: 9 });
    expect(decryptRtp(packet, 'aead_aes256_gcm_rtpsize', key).payload.toString()).toBe('opus!');
  });

  it('is no RTP: short datagrams, keep-alives, other versions', () => {
    expect(parseRtpHeader(Buffer.alloc(8))).toBeNull();
    expect(parseRtpHeader(Buffer.from([0x40, 120, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeNull();
  });
});

const RATE = 48_000;

/** `seconds` of a stereo sine at 48 kHz as 20 ms frames arriving every `stepMs`. */
function sineFrames(freq: number, seconds: number, startMs = 0, stepMs = 20, amplitude = 8000): FrameLike[] {
  const frames: FrameLike[] = [];
  for (let k = 0; k < Math.round(seconds * 50); k++) {
    const pcm = new Int16Array(960 * 2);
    for (let i = 0; i < 960; i++) {
      const v = Math.round(amplitude * Math.sin((2 * Math.PI * freq * (k * 960 + i)) / RATE));
      pcm[2 * i] = v;
      pcm[2 * i + 1] = v;
    }
    frames.push({ arrivedAt: startMs + k * stepMs, pcm, silence: false });
  }
  return frames;
}

const silenceFrames = (n: number, startMs: number): FrameLike[] =>
  Array.from({ length: n }, (_, k) => ({ arrivedAt: startMs + 20 * k, pcm: new Int16Array(1920), silence: true }));

function concat(frames: readonly FrameLike[]): Int16Array {
  const out = new Int16Array(frames.length * 1920);
  frames.forEach((f, i) => out.set(f.pcm, i * 1920));
  return out;
}

describe('voice analysis', () => {
  it('dominantFrequency finds a 1-s sine within 0.5 Hz, off-bin frequencies too', () => {
    for (const f of [100, 440, 441.7, 660, 1234.5, 5000]) expect(Math.abs(dominantFrequency(concat(sineFrames(f, 1))) - f)).toBeLessThan(0.5);
    // 200 ms (10 frames) is enough for a few Hz.
    expect(Math.abs(dominantFrequency(concat(sineFrames(523.25, 0.2))) - 523.25)).toBeLessThan(2);
    // Mono input, and the louder of two tones.
    const mono = new Int16Array(48_000).map((_, i) => Math.round(3000 * Math.sin((2 * Math.PI * 300 * i) / RATE) + 9000 * Math.sin((2 * Math.PI * 900 * i) / RATE)));
    expect(dominantFrequency(mono, { channels: 1 })).toBeCloseTo(900, 0);
    expect(dominantFrequency(new Int16Array(1920))).toBeNaN();
  });

  it('toneSegments: tones in order, silence left out, equal tones merged across a silence gap', () => {
    const frames = [
      ...sineFrames(440, 1, 0),
      ...silenceFrames(4, 1000),
      ...sineFrames(440, 0.6, 1100),
      ...sineFrames(660, 1, 1700),
      ...silenceFrames(4, 2700),
    ];
    const segments = toneSegments(frames, { windowFrames: 10 });
    expect(segments.map((s) => Math.round(s.freq))).toEqual([440, 660]);
    expect(segments[0]).toMatchObject({ frames: 80, startMs: 0, endMs: 1100 + 29 * 20 + 20 });
    expect(segments[1]).toMatchObject({ frames: 50, startMs: 1700 });
  });

  it('arrivalGaps: 20 ms pace; pauses after a speaking stop or a silence run left out; stalls counted', () => {
    const first = [...sineFrames(440, 0.2, 0), ...silenceFrames(4, 200)];
    const second = [...silenceFrames(1, 1000), ...sineFrames(660, 0.2, 1020)];
    const all = [...first, ...second];
    // Without speaking events the silence run marks the pause.
    expect(arrivalGaps(all)).toMatchObject({ max: 20, median: 20, pauses: 1 });
    // Left out: from the 4th padding frame to the held-back 5th, and from it to the next audio.
    expect(arrivalGaps(all).gaps).toHaveLength(all.length - 3);
    // With a speaking stop inside the long gap, the same.
    expect(arrivalGaps(all, [{ at: 300, speaking: 0 }])).toMatchObject({ max: 20, pauses: 1 });
    // A stall inside a stream is a gap.
    const stalled = sineFrames(440, 0.2, 0);
    stalled.slice(5).forEach((f) => (f.arrivedAt += 70));
    expect(arrivalGaps(stalled)).toMatchObject({ max: 90, pauses: 0, median: 20 });
  });
});
