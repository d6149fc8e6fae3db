/**
 * Reaction paging when the bot lacks Manage Messages: nobody's reaction can be removed, so
 * strangers' arrows stay (ignored, no failing requests), and the requester pages by adding an
 * arrow and by taking it back.
 */
import path from 'node:path';
import { PermissionFlagsBits, type APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordEmulator} from '../discord-emulator/index.ts';
import { DEFAULT_BOT_PERMISSIONS, type StoredMessage } from '../discord-emulator/index.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { type BotSession, buildTestIndex, catalogTracks, startBotSession, type TestBot } from './helpers/fixtures.ts';

let emu: DiscordEmulator;
let t: TestBot;
let session: BotSession;
let tmp: { dir: string; cleanup: () => Promise<void> };

const footer = (m: StoredMessage | undefined) => ((m?.data.embeds[0] as APIEmbed | undefined)?.footer?.text ?? '');

beforeAll(async () => {
  tmp = await tempDir('bot-perms');
  await buildTestIndex(path.join(tmp.dir, 'embeddings', 'main'), { name: 'main', tracks: catalogTracks(20) });
  session = await startBotSession({
    dir: tmp.dir,
    index: 'main',
    emulator: { heartbeatIntervalMs: 500, botPermissions: DEFAULT_BOT_PERMISSIONS & ~PermissionFlagsBits.ManageMessages },
  });
  ({ emu, t } = session);
});

afterAll(async () => {
  await session?.stop();
  await tmp?.cleanup();
});

describe('reaction paging without Manage Messages', () => {
  it('ignores strangers (their arrows stay), and the requester turns pages by adding and removing arrows', async () => {
    const ix = await emu.sendCommand({ name: 'recommend', options: { prompt: 'calm piano' }, user: emu.users.alice });
    const reply = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
    const id = reply.id;
    const edits = reply.versions.length;
    await emu.waitFor(() => emu.reactionsOn(id)['▶️']?.length === 1, { what: 'the bot\'s arrows' });
    expect(footer(reply)).toMatch(/^Page 1\/4/);

    await emu.addReaction({ messageId: id, emoji: '▶️', user: emu.users.bob });
    await emu.addReaction({ messageId: id, emoji: '▶️', user: emu.users.alice });
    await emu.waitFor(() => footer(emu.message(id)).startsWith('Page 2/4'), { what: 'page 2' });
    expect(emu.reactionsOn(id)['▶️']).toEqual([emu.botUser.id, emu.users.bob.id, emu.users.alice.id]);

    await emu.removeReaction({ messageId: id, emoji: '▶️', user: emu.users.alice });
    await emu.waitFor(() => footer(emu.message(id)).startsWith('Page 3/4'), { what: 'page 3 by taking the arrow back' });
    await emu.removeReaction({ messageId: id, emoji: '▶️', user: emu.users.bob });
    await emu.addReaction({ messageId: id, emoji: '◀️', user: emu.users.alice });
    await emu.waitFor(() => footer(emu.message(id)).startsWith('Page 2/4'), { what: 'back to page 2' });
    // Exactly one edit per turn (bob's reactions changed nothing), and no refused requests.
    expect(emu.message(id)!.versions.length).toBe(edits + 3);
    expect(emu.requests.filter((r) => r.status >= 400)).toEqual([]);
    expect(t.logs.entries.filter((e) => Number(e.level) >= 40)).toEqual([]);
  });
});
