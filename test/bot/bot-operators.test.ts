/**
 * Operators, not server admins, run /reload: the application's owner (or its team's members, read
 * from GET /applications/@me at start) and BOT_ADMIN_IDS. Everyone else is refused privately,
 * whatever their server permissions, and sees no index names in autocomplete. With
 * DISCORD_ADMIN_GUILD_ID the deploy script registers /reload in that server only.
 */
import path from 'node:path';
import { InteractionResponseType, MessageFlags, PermissionFlagsBits, type APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botCommands } from '../../src/commands/index.ts';
import { DEFAULT_MAX_PROMPT_CHARS } from '../../src/retrieval/prompt.ts';
import { deployCommands, deploySummary, registrations } from '../../src/discord/deploy-commands.ts';
import { DiscordEmulator, type RecordedCallback } from '../discord-emulator/index.ts';
import type { TeamMemberSpec } from '../discord-emulator/world.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { botEnv, buildTestIndex, catalogTracks, startTestBot, type TestBot } from './helpers/fixtures.ts';

const EPHEMERAL = MessageFlags.Ephemeral as number;
const REFUSAL =
  "⚠️ /reload is for the bot's operators only: the owner of its Discord application (or that team's members) and the users listed in BOT_ADMIN_IDS. " +
  'Server roles do not count here: every server shares what this command changes.';

const dataOf = (cb: RecordedCallback) => cb.data as { content?: string; flags?: number; choices?: { name: string; value: string }[] };

let tmp: { dir: string; cleanup: () => Promise<void> };
let embeddings: string;

beforeAll(async () => {
  tmp = await tempDir('bot-operators');
  embeddings = path.join(tmp.dir, 'embeddings');
  await buildTestIndex(path.join(embeddings, 'main'), { name: 'main', tracks: catalogTracks(8) });
  await buildTestIndex(path.join(embeddings, 'other'), { name: 'other', tracks: catalogTracks(6, { idBase: 700, titlePrefix: 'Other' }) });
});

afterAll(async () => {
  await tmp?.cleanup();
});

/** A bot on its own emulator; the application is owned by `users.owner`, or by a team when `team` is given. */
async function startWorld(opts: { team?: TeamMemberSpec[]; adminIds?: (emu: DiscordEmulator) => string[]; ownerUnknown?: boolean } = {}) {
  const emu = await DiscordEmulator.start({ heartbeatIntervalMs: 300, ...(opts.team ? { team: opts.team } : {}) });
  if (opts.ownerUnknown) emu.failNext({ method: 'GET', path: '/applications/@me', status: 403, times: 5 });
  const t = await startTestBot(
    botEnv(emu, {
      EMBEDDINGS_DIR: embeddings,
      INDEX_NAME: 'main',
      PREVIEW_CACHE_DIR: path.join(tmp.dir, 'previews'),
      BOT_ADMIN_IDS: (opts.adminIds?.(emu) ?? []).join(','),
    }),
  );
  return { emu, t };
}

/** What a server admin can do in Server Settings → Integrations: show /reload to everyone there. */
function showReloadToEveryone(emu: DiscordEmulator): void {
  const defs = emu.commands
    .filter((c) => c.guild_id === emu.guild.id)
    .map(({ id: _id, application_id: _a, version: _v, guild_id: _g, ...def }) => (def.name === 'reload' ? { ...def, default_member_permissions: null } : def));
  emu.setCommands(defs as Record<string, unknown>[], { guild: true });
}

/** Runs /reload as `user` and returns the first callback plus, when deferred, the finished reply. */
async function reloadAs(emu: DiscordEmulator, user: APIUser, index?: string) {
  const ix = await emu.sendCommand({ name: 'reload', options: index ? { index } : {}, user });
  const cb = await ix.waitForResponse();
  const done = cb.type === InteractionResponseType.DeferredChannelMessageWithSource ? await ix.waitForOriginal(undefined, { timeoutMs: 20_000 }) : undefined;
  return { cb, done };
}

describe('an application owned by a user', () => {
  let emu: DiscordEmulator;
  let t: TestBot;

  beforeAll(async () => {
    ({ emu, t } = await startWorld({ adminIds: (e) => [e.users.bob.id] }));
    await deployCommands(t.config);
    showReloadToEveryone(emu);
  });

  afterAll(async () => {
    await t?.bot.stop();
    await emu?.close();
  });

  it('reads the owner from Discord at start', () => {
    expect(emu.requests.some((r) => r.method === 'GET' && r.path === '/applications/@me' && r.status === 200)).toBe(true);
    expect(t.logs.find('operators known')[0]).toMatchObject({ owner: 'user', operators: [emu.users.bob.id, emu.users.owner.id] });
  });

  it('refuses a server Administrator who is not an operator: privately, at once, and the index stays', async () => {
    const { cb, done } = await reloadAs(emu, emu.users.admin, 'other');
    expect(done).toBeUndefined();
    expect(cb.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(Number(dataOf(cb).flags) & EPHEMERAL).toBe(EPHEMERAL);
    expect(dataOf(cb).content).toBe(REFUSAL);
    expect(t.bot.ctx.recommender.status().name).toBe('main');
    expect(t.logs.find('index reloaded')).toEqual([]);
  });

  it('refuses a plain member the server showed the command to', async () => {
    const { cb } = await reloadAs(emu, emu.users.alice, 'other');
    expect(dataOf(cb).content).toBe(REFUSAL);
    expect(t.bot.ctx.recommender.status().name).toBe('main');
  });

  it('lets the application owner reload', async () => {
    const { done } = await reloadAs(emu, emu.users.owner, 'other');
    expect(done?.ephemeral).toBe(true);
    expect(done?.data.content).toMatch(/^✅ Now serving \*\*other\*\* /);
    expect(t.bot.ctx.recommender.status().name).toBe('other');
  });

  it('lets a user in BOT_ADMIN_IDS reload without any server permission', async () => {
    const { done } = await reloadAs(emu, emu.users.bob, 'main');
    expect(done?.data.content).toMatch(/^✅ Now serving \*\*main\*\* /);
    expect(t.logs.find('index reloaded').map((e) => e.by)).toEqual([emu.users.owner.id, emu.users.bob.id]);
  });

  it('suggests index names to operators only', async () => {
    const asOwner = await emu.sendAutocomplete({ name: 'reload', option: 'index', value: '', user: emu.users.owner });
    expect(dataOf(await asOwner.waitForResponse()).choices).toEqual([
      { name: 'main', value: 'main' },
      { name: 'other', value: 'other' },
    ]);
    const asAdmin = await emu.sendAutocomplete({ name: 'reload', option: 'index', value: '', user: emu.users.admin });
    expect(dataOf(await asAdmin.waitForResponse()).choices).toEqual([]);
  });
});

describe('an application owned by a team', () => {
  let emu: DiscordEmulator;
  let t: TestBot;

  beforeAll(async () => {
    ({ emu, t } = await startWorld({
      team: [
        { user: 'owner', role: 'admin', accepted: true },
        { user: 'bob', role: 'developer', accepted: true },
        { user: 'alice', role: 'read_only', accepted: true },
        { user: 'admin', role: 'developer', accepted: false },
      ],
    }));
    await deployCommands(t.config);
    showReloadToEveryone(emu);
  });

  afterAll(async () => {
    await t?.bot.stop();
    await emu?.close();
  });

  it('makes the team owner and members who accepted operators; read-only members and pending invitations are refused', async () => {
    expect(t.logs.find('operators known')[0]).toMatchObject({ owner: 'team', operators: [emu.users.owner.id, emu.users.bob.id] });
    expect((await reloadAs(emu, emu.users.bob, 'other')).done?.data.content).toMatch(/^✅ Now serving \*\*other\*\* /);
    expect((await reloadAs(emu, emu.users.owner, 'main')).done?.data.content).toMatch(/^✅ Now serving \*\*main\*\* /);
    for (const user of [emu.users.alice, emu.users.admin]) {
      const { cb } = await reloadAs(emu, user, 'other');
      expect(dataOf(cb).content).toBe(REFUSAL);
    }
    expect(t.bot.ctx.recommender.status().name).toBe('main');
  });
});

describe('when Discord does not say who owns the application', () => {
  it('counts BOT_ADMIN_IDS only (one warning), never more people', async () => {
    const { emu, t } = await startWorld({ ownerUnknown: true, adminIds: (e) => [e.users.bob.id] });
    try {
      await deployCommands(t.config);
      showReloadToEveryone(emu);
      expect(t.logs.find('could not read the application owner from Discord', 40)).toHaveLength(1);
      expect(dataOf((await reloadAs(emu, emu.users.owner, 'other')).cb).content).toBe(REFUSAL);
      expect((await reloadAs(emu, emu.users.bob, 'other')).done?.data.content).toMatch(/^✅ Now serving \*\*other\*\* /);
    } finally {
      await t.bot.stop();
      await emu.close();
    }
  });
});

describe('DISCORD_ADMIN_GUILD_ID', () => {
  const retrieval = { maxPromptChars: DEFAULT_MAX_PROMPT_CHARS, candidates: 300, textWeight: undefined, firstStage: {}, similar: { audioWeight: 0.7, perArtist: 2 } };
  const commands = botCommands(retrieval);
  it('puts operator commands in that server only; everything together when it is the development server', () => {
    const names = (r: ReturnType<typeof registrations>) => r.map((x) => ({ guildId: x.guildId, names: x.commands.map((c) => c.data.name) }));
    expect(names(registrations({ guildId: undefined, adminGuildId: undefined }, commands))).toEqual([{ guildId: undefined, names: ['recommend', 'similar', 'voice', 'reload'] }]);
    expect(names(registrations({ guildId: undefined, adminGuildId: '900' }, commands))).toEqual([
      { guildId: undefined, names: ['recommend', 'similar', 'voice'] },
      { guildId: '900', names: ['reload'] },
    ]);
    expect(names(registrations({ guildId: '800', adminGuildId: '900' }, commands))).toEqual([
      { guildId: '800', names: ['recommend', 'similar', 'voice'] },
      { guildId: '900', names: ['reload'] },
    ]);
    expect(names(registrations({ guildId: '900', adminGuildId: '900' }, commands))).toEqual([{ guildId: '900', names: ['recommend', 'similar', 'voice', 'reload'] }]);
  });

  it('deploys /recommend, /similar and /voice globally and /reload to the operators\' server, removing a global /reload', async () => {
    const emu = await DiscordEmulator.start();
    try {
      const discord = { token: emu.token, applicationId: emu.applicationId, apiUrl: emu.apiUrl, adminIds: [], guildId: undefined };
      await deployCommands({ discord: { ...discord, adminGuildId: undefined }, retrieval });
      expect(emu.commands.map((c) => [c.name, c.guild_id])).toEqual([['recommend', undefined], ['similar', undefined], ['voice', undefined], ['reload', undefined]]);
      const report = await deployCommands({ discord: { ...discord, adminGuildId: emu.guild.id }, retrieval });
      expect(deploySummary(report)).toBe(`Deployed /recommend, /similar, /voice globally (may take up to an hour to appear); /reload in server ${emu.guild.id}.`);
      expect(emu.commands.map((c) => [c.name, c.guild_id])).toEqual([['recommend', undefined], ['similar', undefined], ['voice', undefined], ['reload', emu.guild.id]]);
      expect(emu.commands.find((c) => c.name === 'reload')?.default_member_permissions).toBe(String(PermissionFlagsBits.Administrator));
    } finally {
      await emu.close();
    }
  });
});
