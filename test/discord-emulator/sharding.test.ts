/**
 * Sharding as Discord does it: GET /gateway/bot recommends a shard count, IDENTIFY carries
 * `[shard_id, num_shards]` and is checked, and a server's events go to the shard
 * `(guild_id >> 22) % num_shards` only. Checked with raw WebSockets and with real discord.js Clients.
 */
import { once } from 'node:events';
import { Client, GatewayIntentBits, GatewayOpcodes, type ClientOptions, type Interaction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DiscordEmulator } from './index.ts';

const HEARTBEAT_MS = 250;
const started: { close(): Promise<void> }[] = [];

async function emulator(options: Parameters<typeof DiscordEmulator.start>[0]): Promise<DiscordEmulator> {
  const emu = await DiscordEmulator.start({ heartbeatIntervalMs: HEARTBEAT_MS, ...options });
  started.push(emu);
  return emu;
}

afterEach(async () => {
  // Clients first (pushed after their emulator), so none tries to resume on a closed emulator.
  for (const s of started.splice(0).reverse()) await s.close();
});

interface GatewayPayload {
  op: number;
  t: string | null;
  d: Record<string, unknown> | null;
}

/** IDENTIFY on a raw socket with `shard` (omitted when undefined): the dispatches it got, or the close code. */
async function identify(emu: DiscordEmulator, shard: unknown): Promise<{ events: GatewayPayload[]; closeCode: number | null }> {
  const socket = new WebSocket(`${emu.gatewayUrl}?v=10&encoding=json`);
  const events: GatewayPayload[] = [];
  let closeCode: number | null = null;
  const closed = once(socket, 'close').then(([code]) => (closeCode = code as number));
  socket.on('message', (raw) => {
    const p = JSON.parse(raw.toString()) as GatewayPayload;
    if (p.op === GatewayOpcodes.Hello) {
      socket.send(JSON.stringify({ op: GatewayOpcodes.Identify, d: { token: emu.token, intents: GatewayIntentBits.Guilds, properties: {}, ...(shard === undefined ? {} : { shard }) } }));
    } else if (p.op === GatewayOpcodes.Dispatch) events.push(p);
  });
  // READY and its GUILD_CREATEs arrive together; a refusal closes the socket.
  await emu.waitFor(() => closeCode !== null || events.some((e) => e.t === 'READY'), { what: 'READY or a close' });
  await new Promise((r) => setTimeout(r, 100));
  if (closeCode === null) {
    socket.close(1000);
    await closed;
    closeCode = null;
  }
  return { events, closeCode };
}

/** A discord.js Client with these shard options whose interactions are answered with the shard that got them. */
async function shardedClient(emu: DiscordEmulator, shards: Pick<ClientOptions, 'shards' | 'shardCount'>) {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiUrl }, ...shards });
  const seen: { guildId: string; shardId: number | undefined }[] = [];
  client.on('interactionCreate', (i: Interaction) => {
    if (!i.isChatInputCommand()) return;
    seen.push({ guildId: i.guildId!, shardId: i.guild?.shardId });
    void i.reply(`shard ${i.guild?.shardId}`);
  });
  const ready = once(client, 'clientReady');
  await client.login(emu.token);
  await ready;
  started.push({ close: () => client.destroy() });
  return { client, seen };
}

const PING = { name: 'ping', description: 'Which shard answers', type: 1 };

describe('GET /gateway/bot and IDENTIFY', () => {
  it('recommends the configured shard count and identify concurrency', async () => {
    const emu = await emulator({ shards: 3, maxConcurrency: 2 });
    const res = await fetch(`${emu.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${emu.token}` } });
    expect(await res.json()).toMatchObject({ url: emu.gatewayUrl, shards: 3, session_start_limit: { max_concurrency: 2 } });
  });

  it('READY carries the shard and only its servers, each followed by GUILD_CREATE', async () => {
    const emu = await emulator({ shards: 2, guilds: 6 });
    const mine = emu.guilds.map((g) => g.guild.id).filter((id) => emu.shardOf(id) === 1);
    expect(mine.length).toBe(3);
    const { events, closeCode } = await identify(emu, [1, 2]);
    expect(closeCode).toBeNull();
    const ready = events.find((e) => e.t === 'READY')!.d!;
    expect(ready.shard).toEqual([1, 2]);
    expect((ready.guilds as { id: string }[]).map((g) => g.id)).toEqual(mine);
    expect(events.filter((e) => e.t === 'GUILD_CREATE').map((e) => e.d!.id)).toEqual(mine);
  });

  it('refuses a malformed or out-of-range shard (4010) and fewer shards than recommended (4011)', async () => {
    const emu = await emulator({ shards: 2, guilds: 2 });
    expect((await identify(emu, [2, 2])).closeCode).toBe(4010);
    expect((await identify(emu, [-1, 2])).closeCode).toBe(4010);
    expect((await identify(emu, ['0', 2])).closeCode).toBe(4010);
    expect((await identify(emu, [0])).closeCode).toBe(4010);
    expect((await identify(emu, [0, 1])).closeCode).toBe(4011);
    expect((await identify(emu, undefined)).closeCode).toBe(4011);
    // More shards than recommended is allowed, as on Discord.
    expect((await identify(emu, [3, 4])).closeCode).toBeNull();
  });

  it('with one shard recommended, IDENTIFY without `shard` is shard [0, 1] and gets every server', async () => {
    const emu = await emulator({ guilds: 3 });
    const { events } = await identify(emu, undefined);
    expect(events.find((e) => e.t === 'READY')!.d!.shard).toEqual([0, 1]);
    expect(events.filter((e) => e.t === 'GUILD_CREATE')).toHaveLength(3);
  });
});

describe('discord.js clients on a sharded emulator', () => {
  it("shards: 'auto' opens the recommended shards in one client; each server's interactions arrive on its own shard", async () => {
    const emu = await emulator({ shards: 2, guilds: 4, maxConcurrency: 2 });
    emu.setCommands([PING]);
    const { client, seen } = await shardedClient(emu, { shards: 'auto' });
    expect([...client.ws.shards.keys()].sort()).toEqual([0, 1]);
    expect(emu.gateway.identifies.map((i) => i.shard)).toEqual(expect.arrayContaining([[0, 2], [1, 2]]));
    expect(client.guilds.cache.size).toBe(4);
    for (const { guild } of emu.guilds) {
      expect(client.guilds.cache.get(guild.id)?.shardId).toBe(emu.shardOf(guild.id));
      const ix = await emu.sendCommand({ name: 'ping', guild: guild.id });
      expect(ix.record.shard).toBe(emu.shardOf(guild.id));
      expect((await ix.waitForResponse()).data).toMatchObject({ content: `shard ${emu.shardOf(guild.id)}` });
    }
    expect(new Set(emu.guilds.map((g) => emu.shardOf(g.guild.id)))).toEqual(new Set([0, 1]));
    expect(seen.map((s) => s.shardId)).toEqual(emu.guilds.map((g) => emu.shardOf(g.guild.id)));
  });

  it('two clients with one shard each: each gets only its own servers; a server whose shard is offline gets nothing', async () => {
    const emu = await emulator({ shards: 2, guilds: 4 });
    emu.setCommands([PING]);
    const zero = await shardedClient(emu, { shards: [0], shardCount: 2 });
    const one = await shardedClient(emu, { shards: [1], shardCount: 2 });
    expect(zero.client.guilds.cache.map((g) => emu.shardOf(g.id))).toEqual([0, 0]);
    expect(one.client.guilds.cache.map((g) => emu.shardOf(g.id))).toEqual([1, 1]);
    for (const { guild } of emu.guilds) await (await emu.sendCommand({ name: 'ping', guild: guild.id })).waitForResponse();
    const onShard = (n: number) => emu.guilds.map((g) => g.guild.id).filter((id) => emu.shardOf(id) === n);
    expect(zero.seen.map((s) => s.guildId)).toEqual(onShard(0));
    expect(one.seen.map((s) => s.guildId)).toEqual(onShard(1));

    await one.client.destroy();
    await expect(emu.sendCommand({ name: 'ping', guild: onShard(1)[0]! })).rejects.toThrow(/^no gateway session for shard 1 /);
    expect(await (await emu.sendCommand({ name: 'ping', guild: onShard(0)[0]! })).waitForResponse()).toMatchObject({ data: { content: 'shard 0' } });
  });
});
