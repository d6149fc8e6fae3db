/**
 * The voice load bench's options: `voiceDecode: false` still authenticates, decrypts and records
 * frames — sequence, timing, the Opus packet, silence — but does not decode them to PCM;
 * `voiceKeepFrames` keeps only each session's latest frames and counts them all.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { AudioPlayerStatus, createAudioPlayer, createAudioResource, entersState, joinVoiceChannel, StreamType, VoiceConnectionStatus } from '@discordjs/voice';
import { Client, GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeTone } from '../helpers/audio-files.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { DiscordEmulator } from './index.ts';

const dir = await fileTempDir('voice-no-decode');
const KEEP = 20;
let emu: DiscordEmulator;
let client: Client;

beforeAll(async () => {
  emu = await DiscordEmulator.start({ voice: true, voiceDecode: false, voiceKeepFrames: KEEP });
  client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates], rest: { api: emu.apiUrl } });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(emu.token);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await emu?.close();
});

it('records every frame of a stream, decrypted, with its Opus packet and no PCM, keeping only the latest', async () => {
  const tone = await writeTone(path.join(dir, 'tone.wav'), { seconds: 1, freq: 440, sampleRate: 48_000, channels: 2 });
  const guild = client.guilds.cache.get(emu.guild.id)!;
  const connection = joinVoiceChannel({ channelId: emu.voiceChannel.id, guildId: guild.id, adapterCreator: guild.voiceAdapterCreator, selfDeaf: true });
  try {
    await entersState(connection, VoiceConnectionStatus.Ready, 30_000);
    const player = createAudioPlayer();
    connection.subscribe(player);
    const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-v', 'error', '-i', tone, '-c:a', 'libopus', '-b:a', '96k', '-frame_duration', '20', '-f', 'ogg', 'pipe:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    player.play(createAudioResource(ffmpeg.stdout, { inputType: StreamType.OggOpus }));
    await entersState(player, AudioPlayerStatus.Playing, 30_000);
    await entersState(player, AudioPlayerStatus.Idle, 60_000);
    const session = await emu.voice.waitForSession(guild.id, (s) => s.frames.slice(-4).every((f) => f.silence) && s.speaking.at(-1)?.speaking === 0, { timeoutMs: 60_000 });
    // 1 s of 20 ms frames (libopus adds one for its encoder delay), then 4 silence frames: all counted.
    expect(session.frameCount).toBeGreaterThanOrEqual(54);
    expect(session.frameCount).toBeLessThanOrEqual(55);
    // Only the latest are kept: trimmed to KEEP whenever 2 × KEEP were held.
    expect(session.frames.length).toBeGreaterThanOrEqual(KEEP);
    expect(session.frames.length).toBeLessThan(2 * KEEP);
    expect(session.frames.length).toBe(KEEP + ((session.frameCount - 2 * KEEP) % KEEP));
    const audio = session.frames.filter((f) => !f.silence);
    expect(session.frames.filter((f) => f.silence)).toHaveLength(4);
    expect(session.frames.every((f) => f.pcm.length === 0)).toBe(true);
    // The Opus packets themselves (a few hundred bytes each at 96 kbps), in sequence.
    expect(audio.every((f) => f.opus.length > 50 && f.ssrc === session.ssrc)).toBe(true);
    for (let i = 1; i < session.frames.length; i++) expect((session.frames[i]!.sequence - session.frames[i - 1]!.sequence + 65_536) % 65_536).toBe(1);
    expect(session.decryptFailures + session.decodeFailures + session.daveFrames).toBe(0);
    expect(emu.voice.pcm(guild.id)).toHaveLength(0);
  } finally {
    connection.destroy();
  }
});
