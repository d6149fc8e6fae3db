import { pathToFileURL } from 'node:url';
import { DiscordAPIError, HTTPError, REST, Routes, type RESTPutAPIApplicationCommandsResult } from 'discord.js';
import dotenv from 'dotenv';
import { runCommand } from '../cli/run-command.ts';
import { commands as allCommands } from '../commands/index.ts';
import type { Command } from '../commands/command.ts';
import { type Config, loadConfig } from '../config.ts';
import { UserError } from '../errors.ts';

export interface DeployReport {
  scope: 'guild' | 'global';
  guildId?: string;
  names: string[];
}

/**
 * Registers the slash commands with one bulk overwrite: in one server when DISCORD_GUILD_ID is
 * set (instant, for development), else globally (may take a while to show everywhere).
 */
export async function deployCommands(config: Pick<Config, 'discord'>, list: readonly Command[] = allCommands): Promise<DeployReport> {
  const { token, applicationId, guildId, apiUrl } = config.discord;
  const missing = [!token && 'DISCORD_TOKEN', !applicationId && 'DISCORD_APPLICATION_ID'].filter(Boolean);
  if (missing.length) {
    throw new UserError(
      `Cannot deploy commands: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set.`,
      'Copy them from the Discord developer portal (your application → Bot / General Information) into .env; see .env.example.',
    );
  }
  const rest = new REST({ api: apiUrl }).setToken(token!);
  const body = list.map((c) => c.data.toJSON());
  const route = guildId ? Routes.applicationGuildCommands(applicationId!, guildId) : Routes.applicationCommands(applicationId!);
  let saved: RESTPutAPIApplicationCommandsResult;
  try {
    saved = (await rest.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
  } catch (err) {
    throw explainRestError(err);
  }
  return { scope: guildId ? 'guild' : 'global', ...(guildId ? { guildId } : {}), names: saved.map((c) => c.name) };
}

/** Discord's refusals as what to fix; anything else stays unexpected. */
export function explainRestError(err: unknown): unknown {
  if (!(err instanceof DiscordAPIError || err instanceof HTTPError)) return err;
  if (err.status === 401) {
    return new UserError('Discord refused DISCORD_TOKEN (401 Unauthorized).', 'Reset the token in the developer portal (Bot → Reset Token) and update .env.');
  }
  if (err.status === 403 || err.status === 404) {
    return new UserError(
      `Discord refused the command registration (${err.status}: ${err.message}).`,
      'Check DISCORD_APPLICATION_ID, and that the bot was invited to the server in DISCORD_GUILD_ID with the applications.commands scope.',
    );
  }
  return err;
}

async function main(): Promise<number> {
  dotenv.config({ quiet: true });
  return runCommand('deploy-commands', async () => {
    const report = await deployCommands(loadConfig());
    const where = report.scope === 'guild' ? `in server ${report.guildId}` : 'globally (may take up to an hour to appear)';
    console.log(`Deployed ${report.names.map((n) => `/${n}`).join(', ')} ${where}.`);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
