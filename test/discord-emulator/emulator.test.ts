import { randomBytes } from 'node:crypto';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  REST,
  EmbedBuilder,
  GatewayIntentBits,
  InteractionResponseType,
  MessageFlags,
  Partials,
  PermissionFlagsBits,
  Routes,
  SlashCommandBuilder,
  Team,
  type Interaction,
  type MessageReaction,
  type PartialMessageReaction,
  type PartialUser,
  type RateLimitData,
  type TextChannel,
  type User,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, DiscordEmulator } from './index.ts';
import { RESUME_PATH } from './gateway.ts';

const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.DirectMessageReactions];
const HEARTBEAT_MS = 250;

const recommend = new SlashCommandBuilder()
  .setName('recommend')
  .setDescription('Find music from a sentence')
  .addStringOption((o) => o.setName('prompt').setDescription('What it should sound like').setRequired(true))
  .addIntegerOption((o) => o.setName('count').setDescription('How many').setMinValue(1).setMaxValue(10));

/** A bare discord.js Client logged in to the emulator; `onInteraction` is swapped per test. */
async function loginClient(emu: DiscordEmulator) {
  const client = new Client({
    intents: INTENTS,
    partials: [Partials.Message, Partials.Reaction, Partials.User],
    rest: { api: emu.apiUrl },
  });
  const errors: unknown[] = [];
  const state: { onInteraction: (i: Interaction) => Promise<unknown> } = { onInteraction: async () => {} };
  client.on('interactionCreate', (i) => {
    state.onInteraction(i).catch((err: unknown) => errors.push(err));
  });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(emu.token);
  await ready;
  return { client, errors, state };
}

describe('DiscordEmulator with a real discord.js Client', () => {
  let emu: DiscordEmulator;
  let client: Client;
  let errors: unknown[];
  let handlers: { onInteraction: (i: Interaction) => Promise<unknown> };

  beforeAll(async () => {
    emu = await DiscordEmulator.start({ heartbeatIntervalMs: HEARTBEAT_MS });
    ({ client, errors, state: handlers } = await loginClient(emu));
  });

  afterAll(async () => {
    await client?.destroy();
    await emu?.close();
  });

  it('logs in: READY, the guild with its channel, roles and the bot member are cached', () => {
    expect(client.user?.id).toBe(emu.botUser.id);
    expect(client.application?.id).toBe(emu.applicationId);
    const guild = client.guilds.cache.get(emu.guild.id);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.get(emu.channel.id)?.name).toBe('general');
    expect(guild?.members.me?.permissions.has('ManageMessages')).toBe(true);
    expect(guild?.members.cache.get(emu.users.admin.id)?.permissions.has('Administrator')).toBe(true);
    const [identify] = emu.gateway.identifies;
    expect(identify?.intents).toBe(INTENTS.reduce((a, b) => a | b, 0));
    expect(emu.gateway.connections[0]?.url).toBe('/gateway?v=10&encoding=json');
    expect(emu.requests[0]).toMatchObject({ method: 'GET', path: '/gateway/bot', status: 200 });
    expect(emu.requests[0]?.headers.authorization).toBe(`Bot ${emu.token}`);
  });

  it('serves channel, guild and member fetches over REST', async () => {
    const channel = await client.channels.fetch(emu.channel.id, { force: true });
    expect(channel?.id).toBe(emu.channel.id);
    const guild = await client.guilds.fetch({ guild: emu.guild.id, force: true });
    expect(guild.ownerId).toBe(emu.users.admin.id);
    const member = await guild.members.fetch({ user: emu.users.bob.id, force: true });
    expect(member.user.username).toBe('bob');
    await expect(guild.members.fetch({ user: '1', force: true })).rejects.toMatchObject({ code: 10007 }); // Unknown Member
    expect(emu.unhandledRequests).toEqual([]);
  });

  it('stores a bulk overwrite of guild commands with ids, and rejects invalid definitions', async () => {
    const saved = await client.application!.commands.set([recommend.toJSON()], emu.guild.id);
    expect(saved.first()?.name).toBe('recommend');
    expect(emu.commands.map((c) => [c.name, c.guild_id])).toEqual([['recommend', emu.guild.id]]);
    const again = await client.application!.commands.set([recommend.toJSON()], emu.guild.id);
    expect(again.first()?.id).toBe(saved.first()?.id); // same name keeps its id, as on Discord
    const bad = client.application!.commands.set([{ name: 'Recommend', description: 'x' }], emu.guild.id);
    await expect(bad).rejects.toMatchObject({ code: 50035, status: 400 });
  });

  it('slash command: deferReply then editReply with an embed and a file; the emulator keeps the exact bytes', async () => {
    const audio = randomBytes(70_000);
    handlers.onInteraction = async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      const embed = new EmbedBuilder().setTitle(`Results for ${i.options.getString('prompt', true)}`).setDescription(`count=${i.options.getInteger('count')}`);
      await i.editReply({ embeds: [embed], files: [new AttachmentBuilder(audio, { name: 'clip.mp3' })] });
    };
    const ix = await emu.sendCommand({ name: 'recommend', options: { prompt: 'ocean waves', count: 3 } });
    expect((await ix.waitForResponse()).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const original = await ix.waitForOriginal();
    expect(original.data.embeds[0]).toMatchObject({ type: 'rich', title: 'Results for ocean waves', description: 'count=3' });
    expect(original.attachments).toHaveLength(1);
    expect(original.attachments[0]?.filename).toBe('clip.mp3');
    expect(original.attachments[0]?.bytes.equals(audio)).toBe(true);
    expect(original.data.attachments[0]).toMatchObject({ filename: 'clip.mp3', size: audio.length });
    expect(original.data.interaction_metadata).toMatchObject({ id: ix.id, user: { id: emu.users.alice.id } });
    expect(original.versions[0]?.flags).toBe(MessageFlags.Loading); // the "thinking" state came first
    const patch = emu.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'));
    expect(patch?.files[0]?.field).toBe('files[0]');
    const download = await fetch(original.data.attachments[0]!.url);
    expect(Buffer.from(await download.arrayBuffer()).equals(audio)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('reply with MessageFlags.Ephemeral stores an ephemeral message that channel routes cannot see', async () => {
    handlers.onInteraction = async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: 'only you', flags: MessageFlags.Ephemeral });
    };
    const ix = await emu.sendCommand({ name: 'recommend', options: { prompt: 'x' }, user: emu.users.bob });
    expect((await ix.waitForResponse()).type).toBe(InteractionResponseType.ChannelMessageWithSource);
    const original = await ix.waitForOriginal();
    expect(original.ephemeral).toBe(true);
    expect(original.data).toMatchObject({ content: 'only you', flags: MessageFlags.Ephemeral });
    const channel = client.channels.cache.get(emu.channel.id) as TextChannel;
    await expect(channel.messages.fetch(original.id)).rejects.toMatchObject({ code: 10008 });
    expect(errors).toEqual([]);
  });

  it('reactions: the bot reacts and removes a user reaction; MESSAGE_REACTION_ADD reaches messageReactionAdd as partials', async () => {
    const channel = client.channels.cache.get(emu.channel.id) as TextChannel;
    const seen: { emoji: string | null; user: string; partial: boolean; content?: string }[] = [];
    const listener = async (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser) => {
      const partial = reaction.message.partial;
      const message = partial ? await reaction.message.fetch() : reaction.message;
      seen.push({ emoji: reaction.emoji.name, user: user.id, partial, content: message.content });
    };
    client.on('messageReactionAdd', listener);
    try {
      const sent = await channel.send({ content: 'page 1 of 3' });
      await sent.edit('page 2 of 3');
      expect(emu.message(sent.id)?.data).toMatchObject({ content: 'page 2 of 3', edited_timestamp: expect.any(String) });
      await sent.react('▶️');
      expect(emu.reactionsOn(sent.id)).toEqual({ '▶️': [emu.botUser.id] });

      await emu.addReaction({ messageId: sent.id, emoji: '▶️', user: emu.users.alice });
      await emu.waitFor(() => seen.some((s) => s.user === emu.users.alice.id), { what: 'alice’s reaction event' });
      await sent.reactions.cache.get('▶️')!.users.remove(emu.users.alice.id);
      expect(emu.reactionsOn(sent.id)).toEqual({ '▶️': [emu.botUser.id] });

      // A message the client never cached (no message intent) arrives as a partial it can fetch.
      const stranger = await emu.postMessage({ content: 'hello from bob', user: emu.users.bob });
      await emu.addReaction({ messageId: stranger.id, emoji: '👍', user: emu.users.alice });
      const fromStranger = await emu.waitFor(() => seen.find((s) => s.emoji === '👍'), { what: 'the partial reaction event' });
      expect(fromStranger).toEqual({ emoji: '👍', user: emu.users.alice.id, partial: true, content: 'hello from bob' });

      expect(seen.filter((s) => s.emoji === '▶️').map((s) => s.user)).toEqual([emu.botUser.id, emu.users.alice.id]);
      await expect(sent.react('not-an-emoji')).rejects.toThrow();
    } finally {
      client.off('messageReactionAdd', listener);
    }
  });

  it('button click: a component interaction carrying the message; interaction.update() edits it', async () => {
    const art = randomBytes(5000);
    const row = () => new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('page:next').setLabel('Next').setStyle(ButtonStyle.Primary));
    handlers.onInteraction = async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: 'page 1', components: [row()], files: [new AttachmentBuilder(art, { name: 'art.bin' })] });
      if (i.isButton() && i.customId === 'page:next') await i.update({ content: `page 2 (from ${i.message.content})`, components: [row()] });
    };
    const command = await emu.sendCommand({ name: 'recommend', options: { prompt: 'jazz' } });
    const message = await command.waitForOriginal();
    expect(message.attachments[0]?.bytes.equals(art)).toBe(true); // multipart callback: payload_json + files[0]
    expect(command.callback?.files[0]?.field).toBe('files[0]');
    const click = await emu.clickButton({ messageId: message.id, customId: 'page:next', user: emu.users.bob });
    expect((await click.waitForResponse()).type).toBe(InteractionResponseType.UpdateMessage);
    expect(click.original()?.id).toBe(message.id);
    expect(emu.message(message.id)?.data.content).toBe('page 2 (from page 1)');
    expect(emu.message(message.id)?.versions).toHaveLength(1);
    expect(emu.message(message.id)?.attachments[0]?.bytes.equals(art)).toBe(true); // update keeps the file
    await expect(emu.clickButton({ messageId: message.id, customId: 'nope' })).rejects.toThrow(/no button/);
    expect(errors).toEqual([]);
  });

  it('follow-ups: the first fills a deferred reply, later ones are new messages (multipart); withResponse and deferUpdate', async () => {
    const cover = randomBytes(2048);
    handlers.onInteraction = async (i) => {
      if (i.isChatInputCommand()) {
        const response = await i.deferReply({ withResponse: true });
        expect(response.interaction.responseMessageLoading).toBe(true);
        await i.followUp('filled in');
        await i.followUp({ content: 'extra', files: [new AttachmentBuilder(cover, { name: 'cover.png' })], embeds: [{ image: { url: 'attachment://cover.png' } }] });
        const temp = await i.followUp('temporary');
        await i.editReply({ message: temp.id, content: 'temporary, edited' });
        await i.deleteReply(temp.id);
        expect((await i.fetchReply()).content).toBe('filled in');
      }
      if (i.isButton()) {
        await i.deferUpdate();
        await i.editReply({ content: 'edited through @original', components: [] });
      }
    };
    const ix = await emu.sendCommand({ name: 'recommend', options: { prompt: 'follow' } });
    await emu.waitFor(() => emu.requests.some((r) => r.method === 'GET' && r.path.endsWith(`${ix.record.token}/messages/@original`)), { what: 'fetchReply' });
    expect(ix.followups().map((m) => m.data.content)).toEqual(['extra']); // the temporary one was deleted
    const deleted = ix.record.followupIds.map((id) => emu.message(id));
    expect(deleted).toHaveLength(2);
    expect(deleted[1]).toBeUndefined();
    expect(ix.original()?.data.content).toBe('filled in');
    const [extra] = ix.followups();
    expect(extra?.attachments[0]?.bytes.equals(cover)).toBe(true);
    expect(extra?.data.embeds[0]?.image?.url).toBe(extra?.data.attachments[0]?.url); // attachment:// resolved
    const callback = emu.requests.find((r) => r.path === `/interactions/${ix.id}/${ix.record.token}/callback`);
    expect(callback?.query).toEqual({ with_response: 'true' });

    const channel = client.channels.cache.get(emu.channel.id) as TextChannel;
    const withButton = await channel.send({
      content: 'press',
      components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('b').setLabel('B').setStyle(ButtonStyle.Secondary))],
    });
    const click = await emu.clickButton({ messageId: withButton.id, customId: 'b' });
    expect((await click.waitForResponse()).type).toBe(InteractionResponseType.DeferredMessageUpdate);
    await emu.waitFor(() => emu.message(withButton.id)?.data.content === 'edited through @original', { what: 'the edit' });
    expect(emu.message(withButton.id)?.data.components).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('answeredAt and onAnswered: when the person sees an answer (a reply; a "thinking" reply filled in; a follow-up after it was deleted)', async () => {
    const answered: string[] = [];
    const stop = emu.onAnswered((r) => answered.push(r.id));
    try {
      handlers.onInteraction = async (i) => {
        if (!i.isChatInputCommand()) return;
        const prompt = i.options.getString('prompt', true);
        if (prompt === 'reply') return void (await i.reply('at once'));
        await i.deferReply();
        await new Promise((r) => setTimeout(r, 50));
        if (prompt === 'edit') return void (await i.editReply('filled in'));
        await i.deleteReply();
        await i.followUp({ content: 'private error', flags: MessageFlags.Ephemeral });
      };
      const reply = await emu.sendCommand({ name: 'recommend', options: { prompt: 'reply' } });
      const edit = await emu.sendCommand({ name: 'recommend', options: { prompt: 'edit' } });
      const follow = await emu.sendCommand({ name: 'recommend', options: { prompt: 'follow' } });
      await emu.waitFor(() => answered.length === 3, { what: 'three answers' });
      expect(new Set(answered)).toEqual(new Set([reply.id, edit.id, follow.id]));
      expect(reply.record.answeredAt).toBe(reply.callback?.at);
      for (const ix of [edit, follow]) expect(ix.record.answeredAt! - ix.callback!.at).toBeGreaterThanOrEqual(40);
      expect(edit.original()?.data.content).toBe('filled in');
      expect(follow.followups()[0]?.data.content).toBe('private error');
    } finally {
      stop();
    }
    expect(errors).toEqual([]);
  });

  it('a 429 on the edit is retried by discord.js after retry_after and then succeeds', async () => {
    const limits: RateLimitData[] = [];
    client.rest.on('rateLimited', (info) => limits.push(info));
    const fault = emu.failNext({ method: 'PATCH', path: /\/messages\/@original$/, retryAfterSec: 0.2, times: 1 });
    handlers.onInteraction = async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.editReply('after the limit');
    };
    const ix = await emu.sendCommand({ name: 'recommend', options: { prompt: 'rain' } });
    const original = await ix.waitForOriginal();
    expect(original.data.content).toBe('after the limit');
    expect(fault.hits).toBe(1);
    const patches = emu.requests.filter((r) => r.method === 'PATCH' && r.path.includes(ix.record.token));
    expect(patches.map((r) => r.status)).toEqual([429, 200]);
    expect(patches[1]!.at - patches[0]!.at).toBeGreaterThanOrEqual(190);
    // discord.js read X-RateLimit-Remaining: 0 / Reset-After and waited on the bucket before retrying.
    expect(limits).toHaveLength(1);
    expect(limits[0]?.timeToReset).toBeGreaterThanOrEqual(200);
    expect(errors).toEqual([]);
  });

  it('a dropped gateway connection is resumed on resume_gateway_url and the next interaction is handled', async () => {
    handlers.onInteraction = async (i) => {
      if (i.isChatInputCommand()) await i.reply('still here');
    };
    const identifies = emu.gateway.identifies.length;
    emu.dropGateway({ code: 4000 });
    await emu.waitFor(() => emu.gateway.resumes.length === 1 && emu.gateway.connected, { what: 'a resume' });
    expect(emu.gateway.resumes[0]?.accepted).toBe(true);
    expect(emu.gateway.connections.at(-1)?.url).toBe(`${RESUME_PATH}?v=10&encoding=json`);
    expect(emu.gateway.identifies).toHaveLength(identifies);
    const ix = await emu.sendCommand({ name: 'recommend', options: { prompt: 'after resume' } });
    expect((await ix.waitForOriginal()).data.content).toBe('still here');

    // An interaction sent while the socket is down is replayed on RESUME.
    emu.dropGateway({ terminate: true });
    const during = await emu.sendCommand({ name: 'recommend', options: { prompt: 'while down' } });
    expect((await during.waitForOriginal()).data.content).toBe('still here');
    expect(emu.gateway.resumes.at(-1)).toMatchObject({ accepted: true, replayed: 1 });
    expect(errors).toEqual([]);
  });

  it('an invalidated session is refused on RESUME (op 9) and the client identifies again', async () => {
    const identifies = emu.gateway.identifies.length;
    emu.dropGateway({ invalidateSession: true });
    // discord.js throttles a second IDENTIFY within 5 s of the last one, so allow for that wait.
    await emu.waitFor(() => emu.gateway.identifies.length === identifies + 1 && emu.gateway.connected, { what: 're-identify', timeoutMs: 9000 });
    expect(emu.gateway.resumes.at(-1)?.accepted).toBe(false);
    const ix = await emu.sendCommand({ name: 'recommend', options: { prompt: 'new session' } });
    expect((await ix.waitForResponse()).type).toBe(InteractionResponseType.ChannelMessageWithSource);
  }, 15_000);

  it('heartbeats flow at the interval from HELLO and are acknowledged', async () => {
    const from = Date.now();
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 5));
    const beats = emu.heartbeats.filter((t) => t >= from);
    expect(beats.length).toBeGreaterThanOrEqual(4);
    const gaps = beats
      .slice(1)
      .map((t, i) => t - beats[i]!)
      .sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)]!;
    // Timers on a busy 2-core machine drift; the median gap still shows the interval from HELLO.
    expect(Math.abs(median - HEARTBEAT_MS)).toBeLessThan(HEARTBEAT_MS * 0.25);
    expect(client.ws.ping).toBeGreaterThanOrEqual(0); // set from the ACKs
  });

  it('without heartbeat ACKs the client declares a zombie connection and resumes', async () => {
    const resumes = emu.gateway.resumes.length;
    emu.gateway.ackHeartbeats = false;
    try {
      await emu.waitFor(() => emu.gateway.connections.some((c) => c.closeCode === 4200), { what: 'the client to close a zombie', timeoutMs: 3000 });
    } finally {
      emu.gateway.ackHeartbeats = true;
    }
    await emu.waitFor(() => emu.gateway.resumes.length > resumes && emu.gateway.connected, { what: 'a resume', timeoutMs: 3000 });
  });

  it('records unknown routes as 404 and refuses a wrong token (via @discordjs/rest)', async () => {
    const rest = new REST({ api: emu.apiUrl }).setToken(emu.token);
    await expect(rest.get('/nothing/here' as `/${string}`)).rejects.toBeInstanceOf(DiscordAPIError);
    expect(emu.unhandledRequests.at(-1)).toMatchObject({ method: 'GET', path: '/nothing/here', status: 404 });
    expect(await rest.get(Routes.user('@me'))).toMatchObject({ id: emu.botUser.id, bot: true });
    emu.delayNext({ method: 'GET', path: '/users/@me', delayMs: 150 });
    const started = Date.now();
    await rest.get(Routes.user('@me'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    emu.failNext({ method: 'GET', path: '/users/@me', status: 500 });
    await rest.get(Routes.user('@me')); // @discordjs/rest retries a 5xx
    expect(emu.requests.slice(-2).map((r) => r.status)).toEqual([500, 200]);
    const wrong = new REST({ api: emu.apiUrl }).setToken('wrong');
    await expect(wrong.get(Routes.user('@me'))).rejects.toMatchObject({ status: 401 });
  });

  it('holds a request until released (holdNext), then serves it', async () => {
    const rest = new REST({ api: emu.apiUrl }).setToken(emu.token);
    const hold = emu.holdNext({ method: 'GET', path: '/users/@me' });
    let answered = false;
    const held = rest.get(Routes.user('@me')).then((user) => ((answered = true), user));
    await emu.waitFor(() => hold.hits === 1, { what: 'the held request to arrive' });
    // Another route is served meanwhile (@discordjs/rest queues only requests of the same route).
    expect(await rest.get(Routes.currentApplication())).toMatchObject({ id: emu.applicationId });
    expect(answered).toBe(false);
    hold.release();
    expect(await held).toMatchObject({ id: emu.botUser.id });
    expect(hold.remaining).toBe(0);
  });

  it('applies a request at once but holds its answer until released (holdAnswerNext)', async () => {
    const rest = new REST({ api: emu.apiUrl }).setToken(emu.token);
    const sent = (await rest.post(Routes.channelMessages(emu.channel.id), { body: { content: 'before' } })) as { id: string };
    const hold = emu.holdAnswerNext({ method: 'PATCH', path: `/messages/${sent.id}` });
    let answered = false;
    const edit = rest.patch(Routes.channelMessage(emu.channel.id, sent.id), { body: { content: 'after' } }).then((m) => ((answered = true), m));
    await emu.waitFor(() => emu.message(sent.id)?.data.content === 'after', { what: 'the edit stored' });
    expect(hold.hits).toBe(1);
    expect(answered).toBe(false);
    hold.release();
    expect(await edit).toMatchObject({ id: sent.id, content: 'after' });
  });
});

describe('DiscordEmulator rules Discord enforces', () => {
  let emu: DiscordEmulator;
  let client: Client;
  let handlers: { onInteraction: (i: Interaction) => Promise<unknown> };
  let errors: unknown[];

  beforeAll(async () => {
    emu = await DiscordEmulator.start({ heartbeatIntervalMs: 1000, interactionDeadlineMs: 300 });
    ({ client, errors, state: handlers } = await loginClient(emu));
    emu.setCommands([recommend.toJSON() as unknown as Record<string, unknown>]);
  });

  afterAll(async () => {
    await client?.destroy();
    await emu?.close();
  });

  it('a callback after the deadline gets "Unknown interaction" (10062); a second callback gets 40060', async () => {
    handlers.onInteraction = async (i) => {
      if (!i.isChatInputCommand()) return;
      if (i.options.getString('prompt') === 'slow') await new Promise((r) => setTimeout(r, 400));
      await i.reply('hi');
    };
    const slow = await emu.sendCommand({ name: 'recommend', options: { prompt: 'slow' } });
    await emu.waitFor(() => errors.length === 1, { what: 'the late reply to fail' });
    expect(errors[0]).toMatchObject({ code: 10062, status: 404 });
    expect(slow.callback).toBeUndefined();

    handlers.onInteraction = async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply('first');
      // discord.js itself refuses a second reply, so go around it with the raw route.
      await client.rest.post(Routes.interactionCallback(i.id, i.token), { body: { type: 4, data: { content: 'again' } }, auth: false });
    };
    await emu.sendCommand({ name: 'recommend', options: { prompt: 'twice' } });
    await emu.waitFor(() => errors.length === 2, { what: 'the second callback to fail' });
    expect(errors[1]).toMatchObject({ code: 40060, status: 400 });
  });

  it('rejects option values the registration forbids, and unregistered commands', async () => {
    await expect(emu.sendCommand({ name: 'recommend', options: { count: 2 } })).rejects.toThrow(/needs option "prompt"/);
    await expect(emu.sendCommand({ name: 'recommend', options: { prompt: 'x', count: 11 } })).rejects.toThrow(/≤ 10/);
    await expect(emu.sendCommand({ name: 'recommend', options: { prompt: 'x', count: 1.5 } })).rejects.toThrow(/integer/);
    await expect(emu.sendCommand({ name: 'nope' })).rejects.toThrow(/not registered/);
  });

  it('offers a command with default_member_permissions only to members holding them', async () => {
    handlers.onInteraction = async () => {};
    emu.setCommands([
      recommend.toJSON() as unknown as Record<string, unknown>,
      { name: 'reindex', description: 'Admins only', default_member_permissions: String(PermissionFlagsBits.ManageGuild) },
    ]);
    await expect(emu.sendCommand({ name: 'reindex', user: emu.users.alice })).rejects.toThrow(/lacks \/reindex/);
    await expect(emu.sendCommand({ name: 'reindex', user: emu.users.alice, memberPermissions: PermissionFlagsBits.ManageGuild })).resolves.toBeDefined();
    const ix = await emu.sendCommand({ name: 'reindex', user: emu.users.admin });
    expect(BigInt(ix.record.payload.member!.permissions)).toBe(ALL_PERMISSIONS);
  });

  it('rejects an embed over Discord’s limits with 50035 and the failing field', async () => {
    handlers.onInteraction = async (i) => {
      if (i.isChatInputCommand()) await i.reply({ embeds: [{ title: 't'.repeat(257) }] });
    };
    const before = errors.length;
    await emu.sendCommand({ name: 'recommend', options: { prompt: 'big' } });
    const failure = await emu.waitFor(() => errors.slice(before).find((e) => e instanceof DiscordAPIError), { what: 'the invalid reply to fail' });
    expect(failure).toMatchObject({ code: 50035, rawError: { errors: { data: { embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } } } } });
  });
});

describe('autocomplete', () => {
  let emu: DiscordEmulator;
  let client: Client;
  let handlers: { onInteraction: (i: Interaction) => Promise<unknown> };
  const search = new SlashCommandBuilder()
    .setName('search')
    .setDescription('Search')
    .addStringOption((o) => o.setName('genre').setDescription('Genre').setAutocomplete(true))
    .addIntegerOption((o) => o.setName('count').setDescription('How many'));

  beforeAll(async () => {
    emu = await DiscordEmulator.start({ heartbeatIntervalMs: HEARTBEAT_MS });
    ({ client, state: handlers } = await loginClient(emu));
    emu.setCommands([search.toJSON() as unknown as Record<string, unknown>], { guild: true });
  });

  afterAll(async () => {
    await client?.destroy();
    await emu?.close();
  });

  it('sends what is typed as the focused option and records the suggestions (type 8)', async () => {
    const seen: { focused: unknown; count: number | null }[] = [];
    handlers.onInteraction = async (i) => {
      if (!i.isAutocomplete()) return;
      seen.push({ focused: i.options.getFocused(true), count: i.options.getInteger('count') });
      await i.respond([{ name: 'rock', value: 'rock' }, { name: 'pop', value: 'pop' }]);
    };
    const ix = await emu.sendAutocomplete({ name: 'search', option: 'genre', value: 'ro', options: { count: 3 }, user: emu.users.bob });
    const cb = await ix.waitForResponse();
    expect(cb.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(cb.data).toEqual({ choices: [{ name: 'rock', value: 'rock' }, { name: 'pop', value: 'pop' }] });
    expect(seen).toEqual([{ focused: { name: 'genre', type: 3, value: 'ro', focused: true }, count: 3 }]);
    expect(ix.original()).toBeUndefined();
  });

  it('refuses more than 25 suggestions and any other answer type, and options without autocomplete', async () => {
    const errors: unknown[] = [];
    handlers.onInteraction = async (i) => {
      if (!i.isAutocomplete()) return;
      const many = Array.from({ length: 26 }, (_, k) => ({ name: `g${k}`, value: `g${k}` }));
      await i.respond(many).catch((err: unknown) => errors.push(err));
    };
    await emu.sendAutocomplete({ name: 'search', option: 'genre', value: '' });
    const failure = await emu.waitFor(() => errors.find((e) => e instanceof DiscordAPIError), { what: 'the refused suggestions' });
    expect(failure).toMatchObject({ code: 50035, rawError: { errors: { data: { choices: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } } });

    handlers.onInteraction = async (i) => {
      if (i.isAutocomplete()) await i.client.rest.post(Routes.interactionCallback(i.id, i.token), { body: { type: 4, data: { content: 'hi' } } }).catch((err: unknown) => errors.push(err));
    };
    const before = errors.length;
    await emu.sendAutocomplete({ name: 'search', option: 'genre', value: 'x' });
    const wrongType = await emu.waitFor(() => errors.slice(before).find((e) => e instanceof DiscordAPIError), { what: 'the refused message reply' });
    expect(wrongType).toMatchObject({ code: 50035 });
    await expect(emu.sendAutocomplete({ name: 'search', option: 'count', value: '1' })).rejects.toThrow(/has no autocomplete/);
  });
});

describe('the application and its owner (GET /applications/@me)', () => {
  it('owned by a user: client.application.fetch() gives that user', async () => {
    const emu = await DiscordEmulator.start({ heartbeatIntervalMs: HEARTBEAT_MS });
    const { client } = await loginClient(emu);
    try {
      const app = await client.application!.fetch();
      expect(app.owner).toMatchObject({ id: emu.users.owner.id, username: 'owner' });
      expect(emu.team).toBeNull();
    } finally {
      await client.destroy();
      await emu.close();
    }
  });

  it('owned by a team: a Team with its owner and members, their roles and membership states', async () => {
    const emu = await DiscordEmulator.start({
      heartbeatIntervalMs: HEARTBEAT_MS,
      team: [
        { user: 'owner', role: 'admin', accepted: true },
        { user: 'bob', role: 'developer', accepted: true },
        { user: 'alice', role: 'developer', accepted: false },
      ],
    });
    const { client } = await loginClient(emu);
    try {
      const app = await client.application!.fetch();
      expect(app.owner).toBeInstanceOf(Team);
      const team = app.owner as Team;
      expect(team.id).toBe(emu.team!.id);
      expect(team.ownerId).toBe(emu.users.owner.id);
      expect([...team.members.values()].map((m) => [m.user.username, m.role, m.membershipState])).toEqual([
        ['owner', 'admin', 2],
        ['bob', 'developer', 2],
        ['alice', 'developer', 1],
      ]);
    } finally {
      await client.destroy();
      await emu.close();
    }
  });
});
