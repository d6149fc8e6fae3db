/**
 * The voice emulator with a real discord.js Client and a real, unpatched @discordjs/voice: joining
 * (gateway op 4 → VOICE_STATE_UPDATE + VOICE_SERVER_UPDATE → TLS voice WebSocket v8 → UDP), playing
 * ffmpeg-made tones through both resource paths (Ogg Opus demuxed; arbitrary input → PCM → opusscript),
 * and what the emulator received: decrypted, decoded, at what pace, and what pitch.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  AudioPlayerStatus,
  createAudioPlayer,
  createAudioResource,
  entersState,
  getVoiceConnection,
  joinVoiceChannel,
  StreamType,
  VoiceConnectionStatus,
  type AudioPlayer,
  type AudioResource,
  type VoiceConnection,
} from '@discordjs/voice';
import { ChannelType, Client, GatewayIntentBits, PermissionFlagsBits, Status, type Guild, type VoiceChannel } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeTone } from '../helpers/audio-files.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { DiscordEmulator } from './index.ts';
import { arrivalGaps, concatPcm, dominantFrequency, toneSegments } from './voice/analysis.ts';

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates];
const WAIT = { timeoutMs: 60_000 };
const dir = await fileTempDir('voice-emu');

/** An Ogg Opus stream of `file`, encoded by an ffmpeg process (libopus, 20 ms frames). */
function oggOpus(file: string): AudioResource {
  const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-v', 'error', '-i', file, '-c:a', 'libopus', '-b:a', '96k', '-frame_duration', '20', '-f', 'ogg', 'pipe:1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return createAudioResource(ffmpeg.stdout, { inputType: StreamType.OggOpus });
}

async function playToEnd(player: AudioPlayer, resource: AudioResource): Promise<void> {
  player.play(resource);
  await entersState(player, AudioPlayerStatus.Playing, 30_000);
  await entersState(player, AudioPlayerStatus.Idle, 60_000);
}

describe('voice emulator with discord.js and @discordjs/voice', () => {
  let emu: DiscordEmulator;
  let client: Client;
  let guild: Guild;
  let tone440: string;
  let tone660: string;
  const connections: VoiceConnection[] = [];

  function join(channelId: string, g: Guild = guild): VoiceConnection {
    const c = joinVoiceChannel({ channelId, guildId: g.id, adapterCreator: g.voiceAdapterCreator, selfDeaf: true });
    connections.push(c);
    return c;
  }

  beforeAll(async () => {
    [tone440, tone660] = await Promise.all([
      writeTone(path.join(dir, 'a440.wav'), { seconds: 2, freq: 440, sampleRate: 48_000, channels: 2 }),
      writeTone(path.join(dir, 'a660.wav'), { seconds: 2, freq: 660, sampleRate: 48_000, channels: 2 }),
    ]);
    emu = await DiscordEmulator.start({ heartbeatIntervalMs: 250, voice: true, voiceHeartbeatIntervalMs: 300, guilds: 2 });
    client = new Client({ intents: INTENTS, rest: { api: emu.apiUrl } });
    const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
    await client.login(emu.token);
    await ready;
    guild = client.guilds.cache.get(emu.guild.id)!;
  });

  afterEach(() => {
    for (const c of connections.splice(0)) if (c.state.status !== VoiceConnectionStatus.Destroyed) c.destroy();
  });

  afterAll(async () => {
    await client?.destroy();
    await emu?.close();
  });

  it('puts voice channels in GUILD_CREATE with the bot allowed to connect and speak', () => {
    const voice = guild.channels.cache.filter((c) => c.type === ChannelType.GuildVoice);
    expect(voice.map((c) => c.id).sort()).toEqual(emu.guilds[0]!.voiceChannels.map((c) => c.id).sort());
    expect(emu.voiceChannel.id).toBe(emu.guilds[0]!.voiceChannels[0]!.id);
    const channel = guild.channels.cache.get(emu.voiceChannel.id) as VoiceChannel;
    const perms = channel.permissionsFor(guild.members.me!);
    expect(perms.has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.Connect, PermissionFlagsBits.Speak])).toBe(true);
    expect(channel.joinable).toBe(true);
  });

  it('joins: op 4, identify, UDP discovery, AES-256-GCM session; plays an Ogg Opus tone decoded at its pitch, at real-time pace', async () => {
    const connection = join(emu.voiceChannel.id);
    await entersState(connection, VoiceConnectionStatus.Ready, 30_000);
    const session = emu.voice.session(guild.id)!;
    expect(session).toMatchObject({ channelId: emu.voiceChannel.id, userId: emu.botUser.id, mode: 'aead_aes256_gcm_rtpsize', daveProtocolVersion: 0, closed: false });
    // The client offers DAVE; the emulator negotiates version 0, so frames must arrive as plain Opus.
    expect(session.maxDaveProtocolVersion).toBeGreaterThanOrEqual(1);
    expect(session.discovered).toEqual({ address: '127.0.0.1', port: session.selected!.port });
    expect(session.selected).toMatchObject({ protocol: 'udp', address: '127.0.0.1' });
    expect(emu.botVoiceChannel(guild.id)).toBe(emu.voiceChannel.id);
    expect(emu.gateway.voiceStateRequests.at(-1)).toMatchObject({ guildId: guild.id, channelId: emu.voiceChannel.id, outcome: 'joined', selfDeaf: true });
    await emu.waitFor(() => guild.members.me!.voice.channelId === emu.voiceChannel.id, { what: "the bot's voice state in discord.js" });

    const player = createAudioPlayer();
    connection.subscribe(player);
    await playToEnd(player, oggOpus(tone440));
    // The player pads a stream with 5 silence frames but goes idle before sending the 5th; the
    // 4th, and op 5 "stopped speaking", may still be on their way when Idle is seen.
    await emu.voice.waitForSession(guild.id, (s) => s.frames.slice(-4).every((f) => f.silence) && s.speaking.at(-1)?.speaking === 0, WAIT);
    const frames = session.frames;
    const audio = frames.filter((f) => !f.silence);
    // 2 s of 20 ms frames (libopus adds one for its encoder delay), then the silence padding.
    expect(audio.length).toBeGreaterThanOrEqual(100);
    expect(audio.length).toBeLessThanOrEqual(101);
    expect(frames.filter((f) => f.silence)).toHaveLength(4);
    expect(session.decryptFailures + session.decodeFailures + session.daveFrames).toBe(0);
    expect(audio.every((f) => f.pcm.length === 960 * 2 && f.ssrc === session.ssrc)).toBe(true);
    // Sequence numbers count up by one per packet (mod 2^16), timestamps by 960 per 20 ms, nonces by one.
    for (let i = 1; i < frames.length; i++) {
      expect((frames[i]!.sequence - frames[i - 1]!.sequence + 65_536) % 65_536).toBe(1);
      expect((frames[i]!.timestamp - frames[i - 1]!.timestamp + 2 ** 32) % 2 ** 32).toBe(960);
      expect(frames[i]!.nonce - frames[i - 1]!.nonce).toBe(1);
    }
    expect(dominantFrequency(emu.voice.pcm(guild.id, { fromFrame: 20, toFrame: 70 }))).toBeCloseTo(440, 0);
    expect(session.speaking.map((s) => s.speaking)).toEqual([1, 0]);
    expect(session.speaking[0]!.ssrc).toBe(session.ssrc);
    // Pace: the client sends one frame per 20 ms and catches up after a stall. A stall of this
    // process (2 busy cores: up to ~175 ms measured) delays single frames, so the bound is on the
    // median and the 95th percentile (3 frames), plus the average over the whole stream.
    const gaps = arrivalGaps(frames, session.speaking);
    const average = (frames.at(-1)!.arrivedAt - frames[0]!.arrivedAt) / (frames.length - 1);
    console.log(`arrival gaps (ms): median ${gaps.median.toFixed(1)}, p95 ${gaps.p95.toFixed(1)}, max ${gaps.max.toFixed(1)}, average ${average.toFixed(2)}`);
    expect(gaps.median).toBeGreaterThan(15);
    expect(gaps.median).toBeLessThan(25);
    expect(gaps.p95).toBeLessThanOrEqual(60);
    expect(average).toBeGreaterThan(18);
    expect(average).toBeLessThan(30);
  });

  it('plays two files in order, Ogg Opus then arbitrary input through ffmpeg PCM and opusscript: 440 Hz then 660 Hz', async () => {
    const connection = join(emu.voiceChannel.id);
    await entersState(connection, VoiceConnectionStatus.Ready, 30_000);
    const session = emu.voice.session(guild.id)!;
    const player = createAudioPlayer();
    connection.subscribe(player);
    await playToEnd(player, oggOpus(tone440));
    // Arbitrary input alone would go ffmpeg → Ogg Opus (this ffmpeg has libopus); with inline volume
    // it takes ffmpeg → PCM → volume → prism-media's Opus encoder (opusscript here).
    const arbitrary = createAudioResource(tone660, { inputType: StreamType.Arbitrary, inlineVolume: true });
    expect(arbitrary.edges.map((e) => e.type)).toEqual(['ffmpeg pcm', 'volume transformer', 'opus encoder']);
    expect(arbitrary.encoder).toBeDefined();
    await playToEnd(player, arbitrary);
    await emu.voice.waitForSession(guild.id, (s) => s.speaking.filter((e) => e.speaking === 0).length === 2, WAIT);
    const segments = toneSegments(session.frames, { windowFrames: 10 });
    expect(segments.map((t) => Math.round(t.freq))).toEqual([440, 660]);
    expect(segments[0]!.freq).toBeCloseTo(440, 0);
    expect(segments[1]!.freq).toBeCloseTo(660, 0);
    for (const t of segments) expect(t.frames).toBeGreaterThanOrEqual(95);
    expect(segments[1]!.startMs).toBeGreaterThanOrEqual(segments[0]!.endMs);
    expect(session.speaking.map((e) => e.speaking)).toEqual([1, 0, 1, 0]);
    // @discordjs/voice goes idle with the 5th padding frame prepared but unsent; it goes out first
    // when the next stream starts: 4 silence frames, pause, 1 silence frame, the next stream.
    const pattern = session.frames.map((f) => (f.silence ? 's' : 'a')).join('');
    expect(pattern).toMatch(/^a{100,101}s{5}a{100,101}s{4}$/);
    // The pause between the two streams is left out; within them frames came at the 20 ms pace.
    const gaps = arrivalGaps(session.frames, session.speaking);
    expect(gaps.pauses).toBe(1);
    expect(gaps.median).toBeGreaterThan(15);
    expect(gaps.median).toBeLessThan(25);
    expect(session.decryptFailures + session.decodeFailures + session.daveFrames).toBe(0);
  });

  it('drop with 4015: the client resumes (op 7 → op 9, seq_ack of the sequenced op 11) and the audio goes on', async () => {
    await emu.joinVoice({ user: emu.users.alice, channelId: emu.voiceChannel.id });
    const connection = join(emu.voiceChannel.id);
    await entersState(connection, VoiceConnectionStatus.Ready, 30_000);
    const session = emu.voice.session(guild.id)!;
    const requests = emu.gateway.voiceStateRequests.length;
    // alice was in the channel: op 11 (seq 1) told the client, and its heartbeats acknowledge seq 1.
    await emu.voice.waitForSession(guild.id, (s) => s.heartbeats.some((h) => h.seqAck === 1), WAIT);
    const player = createAudioPlayer();
    connection.subscribe(player);
    player.play(oggOpus(tone440));
    await emu.voice.waitForFrames(guild.id, 25, WAIT);
    emu.voice.drop(guild.id, { code: 4015 });
    await emu.voice.waitForSession(guild.id, (s) => s.resumes.length === 1, WAIT);
    expect(session.resumes[0]).toMatchObject({ accepted: true, seqAck: 1, replayed: 0 });
    expect(session.connections.map((c) => c.kind)).toEqual(['identify', 'resume']);
    expect(session.connections[0]).toMatchObject({ closeCode: 4015, closedBy: 'drop' });
    await entersState(player, AudioPlayerStatus.Idle, 60_000);
    await emu.voice.waitForSession(guild.id, (s) => s.speaking.at(-1)?.speaking === 0, WAIT);
    const after = session.frames.slice(session.resumes[0]!.frameIndex).filter((f) => !f.silence);
    expect(after.length).toBeGreaterThan(20);
    // The same session and ssrc, no new voice state request: a resume, not a rejoin. At most the
    // frame prepared as the socket fell is lost.
    expect(emu.voice.session(guild.id)).toBe(session);
    expect(emu.gateway.voiceStateRequests).toHaveLength(requests);
    expect(session.frames.filter((f) => !f.silence).length).toBeGreaterThanOrEqual(99);
    expect(dominantFrequency(concatPcm(after))).toBeCloseTo(440, 0);
    await emu.leaveVoice({ user: emu.users.alice });
  });

  it('a dead socket (1006, no close frame) is resumed the same way; close 4006 makes the client rejoin through the gateway', async () => {
    const connection = join(emu.voiceChannel.id);
    await entersState(connection, VoiceConnectionStatus.Ready, 30_000);
    const first = emu.voice.session(guild.id)!;
    emu.voice.drop(guild.id, { terminate: true });
    await emu.voice.waitForSession(guild.id, (s) => s.resumes.some((r) => r.accepted), WAIT);
    expect(first.connections[0]).toMatchObject({ closeCode: 1006, closedBy: 'drop' });
    await entersState(connection, VoiceConnectionStatus.Ready, 30_000);

    const requests = emu.gateway.voiceStateRequests.length;
    emu.voice.drop(guild.id, { code: 4006 });
    // 4006 is not resumable: @discordjs/voice sends op 4 again and gets a new voice server update.
    const second = await emu.voice.waitForSession(guild.id, (s) => s !== first && s.readyAt !== undefined, WAIT);
    await entersState(connection, VoiceConnectionStatus.Ready, 30_000);
    expect(first).toMatchObject({ closed: true, endReason: 'replaced' });
    expect(emu.gateway.voiceStateRequests.slice(requests)).toEqual([expect.objectContaining({ channelId: emu.voiceChannel.id, outcome: 'joined' })]);
    const player = createAudioPlayer();
    connection.subscribe(player);
    await playToEnd(player, oggOpus(tone660));
    await emu.voice.waitForFrames(guild.id, 100, WAIT);
    expect(dominantFrequency(emu.voice.pcm(guild.id, { fromFrame: 10, toFrame: 90 }))).toBeCloseTo(660, 0);
    expect(second.frames.length).toBeGreaterThanOrEqual(100);
  });

  it('moves to the other channel (session replaced), then leaves: op 4 with channel null, session closed, voice state gone', async () => {
    const [a, b] = emu.guilds[0]!.voiceChannels;
    const connection = join(a!.id);
    await entersState(connection, VoiceConnectionStatus.Ready, 30_000);
    const inA = emu.voice.session(guild.id)!;
    join(b!.id);
    await entersState(connection, VoiceConnectionStatus.Ready, 30_000);
    const inB = await emu.voice.waitForSession(guild.id, (s) => s.channelId === b!.id && s.readyAt !== undefined, WAIT);
    expect(emu.gateway.voiceStateRequests.at(-1)).toMatchObject({ channelId: b!.id, outcome: 'moved' });
    expect(inA).toMatchObject({ closed: true, endReason: 'replaced' });
    expect(emu.botVoiceChannel(guild.id)).toBe(b!.id);

    connection.destroy();
    await emu.voice.waitForSession(guild.id, (s) => s.closed, WAIT);
    expect(inB).toMatchObject({ closed: true, endReason: 'left' });
    expect(emu.gateway.voiceStateRequests.at(-1)).toMatchObject({ guildId: guild.id, channelId: null, outcome: 'left' });
    expect(emu.botVoiceChannel(guild.id)).toBeNull();
    expect(emu.voiceStates(guild.id).some((v) => v.user_id === emu.botUser.id)).toBe(false);
    await emu.waitFor(() => guild.members.me!.voice.channelId === null, { what: 'the bot out of voice in discord.js' });
    expect(getVoiceConnection(guild.id)).toBeUndefined();
  });

  it('refuses a channel where the bot lacks Connect: recorded, no voice server update, the client keeps signalling', async () => {
    const channelId = emu.guilds[0]!.voiceChannels[1]!.id;
    emu.setChannelPermissions({ channelId, deny: ['Connect'] });
    const channel = guild.channels.cache.get(channelId) as VoiceChannel;
    await emu.waitFor(() => channel.permissionsFor(guild.members.me!)?.has(PermissionFlagsBits.Connect) === false, { what: 'CHANNEL_UPDATE in discord.js' });
    expect(channel.joinable).toBe(false);
    let serverUpdates = 0;
    const count = () => serverUpdates++;
    client.on('voiceServerUpdate', count);
    const sessions = emu.voice.sessions.length;
    const connection = join(channelId);
    const refused = await emu.waitFor(() => emu.gateway.voiceStateRequests.find((r) => r.channelId === channelId && r.outcome === 'refused'), { what: 'the refused op 4' });
    expect(refused.reason).toBe('missing Connect');
    expect(emu.voice.sessions).toHaveLength(sessions);
    expect(emu.botVoiceChannel(guild.id)).toBeNull();
    expect(serverUpdates).toBe(0);
    expect(connection.state.status).toBe(VoiceConnectionStatus.Signalling);
    client.off('voiceServerUpdate', count);
    // Allowed again (the member overwrite replaced), the same channel works.
    emu.setChannelPermissions({ channelId, allow: ['Connect'] });
    await emu.waitFor(() => channel.permissionsFor(guild.members.me!)?.has(PermissionFlagsBits.Connect), { what: 'CHANNEL_UPDATE in discord.js' });
    connection.rejoin({ channelId, selfDeaf: true, selfMute: false });
    await entersState(connection, VoiceConnectionStatus.Ready, 30_000);
    expect(emu.botVoiceChannel(guild.id)).toBe(channelId);
  });

  it("the bot's gateway session ending takes it out of voice: the voice socket gets 4014, the client waits disconnected", async () => {
    const connection = join(emu.voiceChannel.id);
    await entersState(connection, VoiceConnectionStatus.Ready, 30_000);
    const session = emu.voice.session(guild.id)!;
    emu.dropGateway({ invalidateSession: true });
    await entersState(connection, VoiceConnectionStatus.Disconnected, 30_000);
    expect(connection.state).toMatchObject({ closeCode: 4014 });
    expect(session).toMatchObject({ closed: true, endReason: 'gateway session ended' });
    expect(emu.botVoiceChannel(guild.id)).toBeNull();
    // Once the client has identified again, it can rejoin.
    await emu.waitForGateway(WAIT);
    // The manager's status stays Ready across a re-identify; the shard's is what the voice adapter checks.
    await emu.waitFor(() => guild.shard.status === Status.Ready && guild.available, { ...WAIT, what: "discord.js's shard ready again" });
    expect(connection.rejoin()).toBe(true);
    await entersState(connection, VoiceConnectionStatus.Ready, 30_000);
    expect(emu.voice.session(guild.id)).not.toBe(session);
  });

  it('a bot in another process trusts the voice server through NODE_EXTRA_CA_CERTS=emu.voice.caCertPath', async () => {
    const { NODE_EXTRA_CA_CERTS: _none, ...env } = process.env;
    expect(await helloFromChildProcess(emu.voice.endpoint, env)).toBe('error: DEPTH_ZERO_SELF_SIGNED_CERT');
    const hello = JSON.parse(await helloFromChildProcess(emu.voice.endpoint, { ...env, NODE_EXTRA_CA_CERTS: emu.voice.caCertPath })) as unknown;
    expect(hello).toEqual({ op: 8, d: { heartbeat_interval: 300 } });
  });

  it('people in voice: VOICE_STATE_UPDATE to clients with GuildVoiceStates only, and voice_states in GUILD_CREATE', async () => {
    const [a, b] = emu.guilds[1]!.voiceChannels;
    const other = emu.guilds[1]!.guild.id;
    await emu.joinVoice({ user: emu.users.alice, channelId: a!.id });
    const g2 = client.guilds.cache.get(other)!;
    await emu.waitFor(() => g2.members.cache.get(emu.users.alice.id)?.voice.channelId === a!.id, { what: "alice's voice state in discord.js" });
    expect(emu.voiceStates(other)).toEqual([expect.objectContaining({ user_id: emu.users.alice.id, channel_id: a!.id, guild_id: other })]);

    // A client logging in now gets alice's voice state in GUILD_CREATE; without the intent it gets no updates.
    const late = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiUrl } });
    try {
      const ready = new Promise<void>((resolve) => late.once('clientReady', () => resolve()));
      await late.login(emu.token);
      await ready;
      const lateGuild = late.guilds.cache.get(other)!;
      expect(lateGuild.voiceStates.cache.get(emu.users.alice.id)?.channelId).toBe(a!.id);
      await emu.joinVoice({ user: emu.users.bob, channelId: b!.id });
      // A CHANNEL_UPDATE after bob's join reaches both clients; by then the late one would have had bob's update.
      emu.setChannelPermissions({ channelId: b!.id, target: 'everyone', allow: 0n });
      await emu.waitFor(() => (lateGuild.channels.cache.get(b!.id) as VoiceChannel | undefined)?.permissionOverwrites.cache.has(other), { what: 'CHANNEL_UPDATE in the late client' });
      expect(lateGuild.voiceStates.cache.get(emu.users.bob.id)).toBeUndefined();
      await emu.waitFor(() => g2.voiceStates.cache.get(emu.users.bob.id)?.channelId === b!.id, { what: "bob's voice state in the main client" });
    } finally {
      await late.destroy();
    }
    await emu.leaveVoice({ user: emu.users.alice, guild: other });
    await emu.leaveVoice({ user: emu.users.bob, guild: other });
    await emu.waitFor(() => g2.voiceStates.cache.get(emu.users.alice.id)?.channelId === null, { what: 'alice out of voice' });
    expect(emu.voiceStates(other)).toEqual([]);
  });
});

/** A WebSocket to the voice server from a fresh Node process: its first message, or its TLS error. */
function helloFromChildProcess(endpoint: string, env: NodeJS.ProcessEnv): Promise<string> {
  const script = `const { WebSocket } = require('ws');
    const ws = new WebSocket('wss://${endpoint}?v=8');
    ws.on('message', (m) => { console.log(String(m)); ws.close(); });
    ws.on('error', (e) => { console.log('error: ' + e.code); process.exit(0); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve(out.trim()));
  });
}

